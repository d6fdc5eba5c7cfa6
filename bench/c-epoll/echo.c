/*
 * The per-core limit for echo: one thread, one epoll instance, non-blocking sockets,
 * level-triggered, one read and one write per readiness event, TCP_NODELAY. Reads go into one
 * shared buffer; only bytes the peer has not taken yet are kept per connection, so an idle
 * connection costs nothing in user space. epoll_ctl runs only when interest changes.
 * Usage: echo PORT. Loopback only. Built and run by bench/run; not part of tcpkit.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 65536
#define MAX_EVENTS 256

typedef struct { int fd; size_t pending, sent; char *buf; } conn_t;
static char shared[BUF];

static void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

static void close_conn(int ep, conn_t *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->buf);
    free(c);
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 7000;
    int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(ls, (struct sockaddr *) &addr, sizeof addr) || listen(ls, 8192)) { perror("listen"); return 1; }
    set_nonblocking(ls);
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, events[MAX_EVENTS];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    fprintf(stderr, "c-epoll echo listening on 127.0.0.1:%d\n", port);
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        for (int i = 0; i < n; i++) {
            conn_t *c = events[i].data.ptr;
            if (c == NULL) {
                int fd;
                while ((fd = accept(ls, NULL, NULL)) >= 0) {
                    set_nonblocking(fd);
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    conn_t *nc = calloc(1, sizeof *nc);
                    nc->fd = fd;
                    struct epoll_event cev = {.events = EPOLLIN, .data.ptr = nc};
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
                }
                continue;
            }
            if (c->pending == 0) {
                ssize_t r = read(c->fd, shared, BUF);
                if (r == 0 || (r < 0 && errno != EAGAIN)) { close_conn(ep, c); continue; }
                if (r < 0) continue;
                ssize_t w = write(c->fd, shared, (size_t) r);
                if (w < 0 && errno != EAGAIN) { close_conn(ep, c); continue; }
                if (w == r) continue;
                /* The peer is not reading: keep the rest and wait until it can take more. */
                c->pending = (size_t) (r - (w < 0 ? 0 : w));
                c->sent = 0;
                c->buf = malloc(c->pending);
                memcpy(c->buf, shared + (w < 0 ? 0 : w), c->pending);
                struct epoll_event out = {.events = EPOLLOUT, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &out);
                continue;
            }
            ssize_t w = write(c->fd, c->buf + c->sent, c->pending - c->sent);
            if (w < 0 && errno != EAGAIN) { close_conn(ep, c); continue; }
            if (w > 0) c->sent += (size_t) w;
            if (c->sent == c->pending) {
                free(c->buf);
                c->buf = NULL;
                c->pending = 0;
                struct epoll_event in = {.events = EPOLLIN, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &in);
            }
        }
    }
}
