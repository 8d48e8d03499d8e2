import { CreateConfigStore1795400000000 } from './config-store/create-config-store.migration';
import { CreateConfigVersions1795300000000 } from './config-store/create-config-versions.migration';

/** The admin DataSource's migrations, oldest first: AdminModule and migrate.ts run the same list. */
export const ADMIN_MIGRATIONS = [CreateConfigVersions1795300000000, CreateConfigStore1795400000000];
