/*
 * The limit probe: what this machine's loopback gives a ctraffic-like protocol. Blocking 1 KB
 * ping-pong (write a packet, read its echo, again), one thread per connection on each side, no
 * pacing, nothing else. Our client+server is measured against it (build/bench/limit.sh).
 *
 *   limit-probe PORT CONNECTIONS SECONDS [PACKET [MODE]]   prints: bytes_per_second packets
 * MODE: both (default; its own server and clients), client (against a server already listening on
 * PORT, e.g. ours: the probe's clients are ctraffic-compatible), server (serves PORT for SECONDS+2,
 * for our client). Traffic goes to 127.0.0.1 only; the run ends by itself after SECONDS.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int packet = 1024;
static atomic_long packets;
static atomic_int stop;

static int read_full(int fd, char *buf, int n) {
    for (int got = 0; got < n;) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0) return -1;
        got += (int)r;
    }
    return 0;
}

static void *echo(void *arg) {
    int fd = (int)(long)arg;
    char *buf = malloc(packet);
    while (read_full(fd, buf, packet) == 0 && write(fd, buf, packet) == packet) {
    }
    close(fd);
    free(buf);
    return NULL;
}

static void *serve(void *arg) {
    int listener = (int)(long)arg;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) return NULL;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t t;
        pthread_create(&t, NULL, echo, (void *)(long)fd);
        pthread_detach(t);
    }
}

static void *ping(void *arg) {
    struct sockaddr_in *to = arg;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (connect(fd, (struct sockaddr *)to, sizeof *to) != 0) { perror("connect"); exit(1); }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char *buf = calloc(1, packet);
    while (!atomic_load(&stop)) {
        if (write(fd, buf, packet) != packet || read_full(fd, buf, packet) != 0) break;
        atomic_fetch_add(&packets, 1);
    }
    close(fd);
    free(buf);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: limit-probe PORT CONNECTIONS SECONDS [PACKET]\n"); return 2; }
    int port = atoi(argv[1]), conns = atoi(argv[2]), seconds = atoi(argv[3]);
    if (argc > 4) packet = atoi(argv[4]);
    const char *mode = argc > 5 ? argv[5] : "both";
    int serving = strcmp(mode, "client") != 0, pinging = strcmp(mode, "server") != 0;
    if (conns < 1 || conns > 1000 || seconds < 1 || seconds > 600 || packet < 1 || !(serving || pinging)) { fprintf(stderr, "out of range\n"); return 2; }
    struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &at.sin_addr);
    pthread_t server, *clients = calloc(conns, sizeof *clients);
    if (serving) {
        int listener = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(listener, (struct sockaddr *)&at, sizeof at) != 0 || listen(listener, 1024) != 0) { perror("listen"); return 1; }
        pthread_create(&server, NULL, serve, (void *)(long)listener);
    }
    if (!pinging) {
        sleep(seconds + 2);
        return 0;
    }
    for (int i = 0; i < conns; i++) pthread_create(&clients[i], NULL, ping, &at);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sleep(seconds);
    atomic_store(&stop, 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long n = atomic_load(&packets);
    for (int i = 0; i < conns; i++) pthread_join(clients[i], NULL);
    double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("%.0f %ld\n", n * (double)packet / secs, n);
    return 0;
}
