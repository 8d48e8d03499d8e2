/**
 * `endpoint_id` of the requests no endpoint answered. A primary key column cannot be NULL, and an
 * endpoint id is never empty (the config schema requires a first character), so '' cannot collide.
 */
export const NO_ENDPOINT_ID = '';
