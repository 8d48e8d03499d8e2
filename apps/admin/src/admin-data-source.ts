/** Name of the admin service's own TypeORM DataSource (and of its Nest injection tokens). */
export const ADMIN_DATA_SOURCE = 'admin';
