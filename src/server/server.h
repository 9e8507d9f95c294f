/* server.h — `kiln serve`, the HTTP service (theory of operation: server.c). */
#ifndef KILN_SERVER_SERVER_H
#define KILN_SERVER_SERVER_H

/* Runs the service until SIGTERM or SIGINT; argv[0] is "serve". Returns
 * the process exit code: 0 after a clean stop, 125 when it could not start. */
int cmd_serve(int argc, char **argv);

#endif
