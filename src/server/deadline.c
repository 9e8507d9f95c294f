/* deadline.c — a bound on how long a client may take over one request
 * (theory of operation in deadline.h). */
#include "server/deadline.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

struct conn_clock {
    struct conn_clock *prev, *next;
    int fd;
    int64_t since_ns; /* the clock's start; 0: stopped */
    bool shut;        /* shut down by a sweep: not again */
};

struct srv_deadlines {
    pthread_mutex_t lock;
    struct conn_clock *head;
    int64_t limit_ns;
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct srv_deadlines *deadlines_create(unsigned limit_s)
{
    struct srv_deadlines *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    pthread_mutex_init(&d->lock, NULL);
    d->limit_ns = (int64_t)limit_s * 1000000000;
    return d;
}

void deadlines_destroy(struct srv_deadlines *d)
{
    if (!d)
        return;
    while (d->head) {
        struct conn_clock *k = d->head;
        d->head = k->next;
        free(k);
    }
    pthread_mutex_destroy(&d->lock);
    free(d);
}

static void track(struct srv_deadlines *d, struct MHD_Connection *c, void **socket_context)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    struct conn_clock *k = ci ? calloc(1, sizeof *k) : NULL;
    *socket_context = k;
    if (!k)
        return; /* untracked: only the idle timeout bounds it */
    k->fd = ci->connect_fd;
    k->since_ns = now_ns();
    pthread_mutex_lock(&d->lock);
    k->next = d->head;
    if (d->head)
        d->head->prev = k;
    d->head = k;
    pthread_mutex_unlock(&d->lock);
}

static void untrack(struct srv_deadlines *d, struct conn_clock *k)
{
    pthread_mutex_lock(&d->lock);
    if (k->prev)
        k->prev->next = k->next;
    else
        d->head = k->next;
    if (k->next)
        k->next->prev = k->prev;
    pthread_mutex_unlock(&d->lock);
    free(k);
}

void deadlines_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                      enum MHD_ConnectionNotificationCode code)
{
    struct srv_deadlines *d = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        track(d, c, socket_context);
    else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        untrack(d, *socket_context);
        *socket_context = NULL;
    }
}

static void set_clock(struct srv_deadlines *d, struct MHD_Connection *c, int64_t since_ns)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    struct conn_clock *k = ci ? ci->socket_context : NULL;
    if (!k)
        return;
    pthread_mutex_lock(&d->lock);
    k->since_ns = since_ns;
    pthread_mutex_unlock(&d->lock);
}

void deadlines_pause(struct srv_deadlines *d, struct MHD_Connection *c)
{
    set_clock(d, c, 0);
}

void deadlines_restart(struct srv_deadlines *d, struct MHD_Connection *c)
{
    set_clock(d, c, now_ns());
}

unsigned deadlines_sweep(struct srv_deadlines *d)
{
    unsigned n = 0;
    int64_t now = now_ns();
    pthread_mutex_lock(&d->lock);
    for (struct conn_clock *k = d->head; k; k = k->next)
        if (k->since_ns && !k->shut && now - k->since_ns > d->limit_ns) {
            shutdown(k->fd, SHUT_RDWR); /* the HTTP thread sees the end and closes it */
            k->shut = true;
            n++;
        }
    pthread_mutex_unlock(&d->lock);
    return n;
}
