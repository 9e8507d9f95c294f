/* config.h — settings of `kiln serve`: one table, four sources.
 * Precedence: command-line flag > environment (KILN_<KEY>) > config file
 * (`key = value`) > default. Limits are set by their names in the limits
 * table: run.cpu_ms.max, compile.mem_kib.default, ... */
#ifndef KILN_SERVER_CONFIG_H
#define KILN_SERVER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "kiln.h"
#include "server/profile.h"

struct srv_config {
    char listen[256];         /* HOST:PORT; port 0 picks a free one */
    bool allow_remote;        /* listen on a non-loopback address */
    uint32_t slots;           /* exec runs at once (engine slots) */
    uint32_t warm_slots;      /* runs at once per warm language (children forked ahead) */
    uint32_t warm_min;        /* children kept forked ahead per warm language when idle */
    uint32_t warm_idle_ms;    /* a child ahead beyond warm_min unused this long is retired */
    uint32_t queue_max;       /* requests that may wait for a warm language's slot */
    uint32_t queue_wait_ms;   /* longest wait for a warm language's slot */
    uint32_t artifact_cache_kib; /* compiled programs kept (kiln_config) */
    uint32_t backlog;         /* requests that may wait for a worker */
    uint32_t max_body;        /* bytes of a request body */
    char keys[4096];          /* API keys file; "" = no keys, open access */
    char cors[256];           /* allowed origin; "" = CORS off */
    uint32_t drain_ms;        /* on SIGTERM: time queued and running requests get */
    uint32_t key_rate;        /* requests per minute per key; 0 = unlimited */
    uint32_t key_burst;       /* token bucket size */
    uint32_t key_concurrency; /* requests in flight per key; 0 = unlimited */
    uint32_t max_json_depth;
    uint32_t idle_timeout_s;  /* an idle connection is closed after this */
    uint32_t request_timeout_s; /* the most a request (or a reply) may take on the
                                 * wire, however slowly the client sends it */
    uint32_t max_connections;
    uint32_t sessions;           /* sessions open at once (engine session slots) */
    uint32_t sessions_per_key;   /* of one API key (or of all, without keys); 0: sessions */
    uint32_t session_idle_s;     /* default idle timeout of a session */
    uint32_t session_lifetime_s; /* default maximum lifetime */
    uint32_t session_max_idle_s, session_max_lifetime_s; /* the most a client may ask */
    uint32_t session_ended_keep_s; /* an ended session answers 410 with its reason this long */
    char languages_dir[4096];
    char queue[256];             /* submissions: "sqlite" or "redis://HOST:PORT" (jobq.h) */
    char data_dir[4096];         /* the SQLite queue's directory */
    char node_id[64];            /* "": HOSTNAME-PID */
    uint32_t runners;            /* submissions run at once; 0: as many as workers */
    uint32_t results_keep_s;     /* a finished submission's result is kept this long */
    uint32_t batch_max;          /* submissions in one batch */
    uint32_t reclaim_ms;         /* redis: a job of a node silent this long runs elsewhere */
    char callback_allow[4096];   /* origins callbacks may reach (callback.h); "": none */
    uint32_t callback_attempts, callback_timeout_ms, callback_backoff_ms;
    struct kiln_config engine; /* limits, slots; string members point into this struct */
    uint32_t defaults_set[2];  /* run, compile: bit i when kiln_limit_fields[i]'s default
                                * was configured (else it follows a lower maximum) */
    struct srv_profiles profiles; /* profile.NAME.FIELD settings (profile.h) */
};

/* Fills cfg from defaults, the file named by --config or KILN_CONFIG, the
 * environment and argv (argv[0] is "serve"). Returns 0, 1 when --help was
 * printed, or -1 with a message naming the source of the bad value. */
int config_load(struct srv_config *cfg, int argc, char **argv, char *err, size_t errlen);

/* Sets one setting by its key, as the file, the environment and --set do. */
int config_set(struct srv_config *cfg, const char *key, const char *value, char *err,
               size_t errlen);

/* Resolves cfg->listen to an address; refuses a non-loopback one unless
 * allow_remote. Numeric addresses and "localhost" only: no DNS. */
int config_listen_addr(const struct srv_config *cfg, struct sockaddr_storage *addr,
                       socklen_t *len, char *err, size_t errlen);

#endif
