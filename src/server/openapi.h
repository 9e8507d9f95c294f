/* openapi.h — the OpenAPI 3.0 description of every route, served at
 * /api/openapi.json; the integration tests check replies against it. */
#ifndef KILN_SERVER_OPENAPI_H
#define KILN_SERVER_OPENAPI_H

#include <stddef.h>

/* The document, minified, malloc'd; NULL on ENOMEM or if the embedded
 * text does not parse (a build defect the unit tests catch). */
char *openapi_document(size_t *len);

#endif
