#!/usr/bin/env bash
# Emulates two serverless functions behind their own NATs, for the Direct channel's NAT test.
#   nat.sh up ID     creates namespaces ${ID}pub (the public network: a bridge, 203.0.113.1, where
#                    the rendezvous server runs), ${ID}r1/${ID}r2 (routers doing MASQUERADE, WAN
#                    203.0.113.11/.12, dropping unsolicited inbound SYNs like cloud NATs) and
#                    ${ID}h1/${ID}h2 (the functions, both 192.168.1.2 behind their router).
#   nat.sh up ID symmetric   the same with symmetric NATs (MASQUERADE --random-fully), which
#                    defeat hole punching.
#   nat.sh down ID   removes them all again.
# Addresses are the documentation range and private ranges inside these namespaces only.
set -euo pipefail
cmd=$1
id=$2
random=""
if [ "${3:-}" = symmetric ]; then random="--random-fully"; fi
pub=${id}pub
ns_all=("$pub" "${id}r1" "${id}r2" "${id}h1" "${id}h2")

if [ "$cmd" = down ]; then
  for ns in "${ns_all[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
  exit 0
fi

for ns in "${ns_all[@]}"; do ip netns add "$ns"; ip -n "$ns" link set lo up; done
ip -n "$pub" link add br0 type bridge
ip -n "$pub" addr add 203.0.113.1/24 dev br0
ip -n "$pub" link set br0 up
for i in 1 2; do
  r=${id}r$i
  h=${id}h$i
  ip link add wan netns "$r" type veth peer name "p$i" netns "$pub"
  ip -n "$pub" link set "p$i" master br0
  ip -n "$pub" link set "p$i" up
  ip -n "$r" addr add "203.0.113.1$i/24" dev wan
  ip -n "$r" link set wan up
  ip link add lan netns "$r" type veth peer name eth0 netns "$h"
  ip -n "$r" addr add 192.168.1.1/24 dev lan
  ip -n "$r" link set lan up
  ip -n "$h" addr add 192.168.1.2/24 dev eth0
  ip -n "$h" link set eth0 up
  ip -n "$h" route add default via 192.168.1.1
  ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$r" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE $random
  ip netns exec "$r" iptables -A FORWARD -i wan -m conntrack --ctstate NEW -j DROP
  ip netns exec "$r" iptables -A INPUT -i wan -p tcp --syn -j DROP
done
