/*
 * The floor a native client meets against the bench's HTTP server: N GET requests to 127.0.0.1:PORT,
 * at most C at once, each on a new connection (as readiness's http probe makes them), on one epoll
 * loop that spends next to nothing per request. Prints the milliseconds from the first connect to
 * the last response. Not part of `npm run bench` (it needs a C compiler); README, "Still missed":
 *
 *   node -e 'require("node:http").createServer((q, r) => setTimeout(() => r.end("ok"), 100)).listen(8100, "127.0.0.1")' &
 *   gcc -O2 -o /tmp/native-floor bench/native-floor.c && /tmp/native-floor 8100 200 50
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port, total, started, done, ep;
static char sent[65536];

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Starts the next request's connect, if any are left. */
static void start_one(void) {
  if (started >= total) return;
  int n = started++;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (fd < 0 || fd >= (int)sizeof sent) { perror("socket"); exit(2); }
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) { perror("connect"); exit(2); }
  struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.fd = fd };
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
  (void)n;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: native-floor PORT REQUESTS CONCURRENCY\n"); return 2; }
  port = atoi(argv[1]);
  total = atoi(argv[2]);
  int concurrency = atoi(argv[3]);
  ep = epoll_create1(0);
  double t0 = now_ms();
  for (int k = 0; k < concurrency; k++) start_one();
  char buf[4096];
  struct epoll_event events[256];
  static const char request[] = "GET /p HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  while (done < total) {
    int n = epoll_wait(ep, events, 256, -1);
    for (int j = 0; j < n; j++) {
      int fd = events[j].data.fd;
      if (!sent[fd] && (events[j].events & EPOLLOUT)) {
        /* Connected: send the request, then wait for the response and the server's close. */
        if (write(fd, request, sizeof request - 1) < 0) { perror("write"); return 2; }
        sent[fd] = 1;
        struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = fd };
        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
        continue;
      }
      if (events[j].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        ssize_t r;
        while ((r = read(fd, buf, sizeof buf)) > 0) {}
        if (r == 0 || (r < 0 && errno != EAGAIN)) {
          epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
          close(fd);
          sent[fd] = 0;
          done++;
          start_one();
        }
      }
    }
  }
  printf("%.1f\n", now_ms() - t0);
  return 0;
}
