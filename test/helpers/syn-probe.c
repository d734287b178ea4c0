/*
 * syn-probe: sends one TCP SYN as a raw Ethernet frame and reports what comes back. Tests build it
 * statically (gcc -static) and run it in a busybox container: it needs CAP_NET_RAW, which Docker's
 * default capability set has.
 *
 *   syn-probe IFACE DST_MAC DST_IP DST_PORT [TIMEOUT_MS]
 *
 * The frame goes to DST_MAC (the gateway's) whatever DST_IP is, so a destination the container's
 * kernel would never route out of IFACE (127.0.0.1) still reaches the host's bridge: this is the
 * CVE-2020-8558 probe. The source is IFACE's IPv4 address and a random port. Prints one word:
 * "synack" (exit 0), "rst" (exit 1) or "none" when nothing answers within TIMEOUT_MS (default 2000,
 * exit 2); errors go to stderr (exit 3). Replies are read from a packet socket, before the
 * container's IP stack (which drops a reply from 127.0.0.1 as a martian).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fail(const char *what) {
  fprintf(stderr, "syn-probe: %s: %s\n", what, strerror(errno));
  return 3;
}

static uint16_t checksum(const void *data, size_t len, uint32_t sum) {
  const uint8_t *p = data;
  for (; len > 1; len -= 2, p += 2) sum += (uint32_t)p[0] << 8 | p[1];
  if (len) sum += (uint32_t)p[0] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons((uint16_t)~sum);
}

static long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: syn-probe IFACE DST_MAC DST_IP DST_PORT [TIMEOUT_MS]\n");
    return 3;
  }
  const char *ifname = argv[1];
  unsigned mac[6];
  if (sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1], &mac[2], &mac[3], &mac[4], &mac[5]) != 6) {
    fprintf(stderr, "syn-probe: bad MAC address %s\n", argv[2]);
    return 3;
  }
  struct in_addr dst;
  if (inet_pton(AF_INET, argv[3], &dst) != 1) {
    fprintf(stderr, "syn-probe: bad IPv4 address %s\n", argv[3]);
    return 3;
  }
  uint16_t dport = (uint16_t)atoi(argv[4]);
  long timeout = argc > 5 ? atol(argv[5]) : 2000;

  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
  if (fd < 0) return fail("socket(AF_PACKET)");
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
  if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) return fail("SIOCGIFINDEX");
  int ifindex = ifr.ifr_ifindex;
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) return fail("SIOCGIFHWADDR");
  uint8_t srcmac[6];
  memcpy(srcmac, ifr.ifr_hwaddr.sa_data, 6);
  if (ioctl(fd, SIOCGIFADDR, &ifr) < 0) return fail("SIOCGIFADDR");
  struct in_addr src = ((struct sockaddr_in *)&ifr.ifr_addr)->sin_addr;

  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_IP);
  sll.sll_ifindex = ifindex;
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) return fail("bind");

  srand((unsigned)(time(NULL) ^ getpid()));
  uint16_t sport = (uint16_t)(40000 + rand() % 20000);
  uint8_t frame[14 + 20 + 20];
  memset(frame, 0, sizeof frame);
  for (int i = 0; i < 6; i++) frame[i] = (uint8_t)mac[i];
  memcpy(frame + 6, srcmac, 6);
  frame[12] = 0x08;
  frame[13] = 0x00;
  struct iphdr *ip = (struct iphdr *)(frame + 14);
  ip->version = 4;
  ip->ihl = 5;
  ip->tot_len = htons(40);
  ip->id = htons((uint16_t)rand());
  ip->frag_off = htons(0x4000); /* DF */
  ip->ttl = 64;
  ip->protocol = IPPROTO_TCP;
  ip->saddr = src.s_addr;
  ip->daddr = dst.s_addr;
  ip->check = checksum(ip, 20, 0);
  struct tcphdr *tcp = (struct tcphdr *)(frame + 34);
  tcp->source = htons(sport);
  tcp->dest = htons(dport);
  tcp->seq = htonl((uint32_t)rand());
  tcp->doff = 5;
  tcp->syn = 1;
  tcp->window = htons(64240);
  /* Pseudo-header: source, destination, protocol, TCP length. */
  uint32_t sum = 0;
  const uint8_t *s = (const uint8_t *)&ip->saddr, *d = (const uint8_t *)&ip->daddr;
  sum += (uint32_t)s[0] << 8 | s[1];
  sum += (uint32_t)s[2] << 8 | s[3];
  sum += (uint32_t)d[0] << 8 | d[1];
  sum += (uint32_t)d[2] << 8 | d[3];
  sum += IPPROTO_TCP + 20;
  tcp->check = checksum(tcp, 20, sum);

  memset(&sll, 0, sizeof sll);
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_IP);
  sll.sll_ifindex = ifindex;
  sll.sll_halen = 6;
  memcpy(sll.sll_addr, frame, 6);
  if (sendto(fd, frame, sizeof frame, 0, (struct sockaddr *)&sll, sizeof sll) != (ssize_t)sizeof frame) return fail("sendto");

  long end = now_ms() + timeout;
  for (;;) {
    long left = end - now_ms();
    if (left <= 0) break;
    struct pollfd pfd = { .fd = fd, .events = POLLIN };
    int r = poll(&pfd, 1, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail("poll");
    if (r == 0) break;
    uint8_t buf[2048];
    struct sockaddr_ll from;
    socklen_t fromlen = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fromlen);
    if (n < 0) return fail("recvfrom");
    if (from.sll_pkttype == PACKET_OUTGOING || n < 14 + 20 + 20) continue;
    const struct iphdr *rip = (const struct iphdr *)(buf + 14);
    if (rip->version != 4 || rip->protocol != IPPROTO_TCP || rip->saddr != dst.s_addr || rip->daddr != src.s_addr) continue;
    size_t ihl = (size_t)rip->ihl * 4;
    if ((size_t)n < 14 + ihl + 20) continue;
    const struct tcphdr *rtcp = (const struct tcphdr *)(buf + 14 + ihl);
    if (ntohs(rtcp->source) != dport || ntohs(rtcp->dest) != sport) continue;
    if (rtcp->syn && rtcp->ack) { puts("synack"); return 0; }
    if (rtcp->rst) { puts("rst"); return 1; }
  }
  puts("none");
  return 2;
}
