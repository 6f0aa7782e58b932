#!/usr/bin/env python3
"""The share of the event loops' CPU samples that a component costs, in collapsed stacks of profile.sh.

Usage: scripts/bench/profile-share.py A.collapsed B.collapsed PREFIX[,PREFIX...] [PREFIX[,PREFIX...] ...]

For each group of frame prefixes (one argument, comma-separated), prints its share of the event-loop
threads' samples in A and in B. A sample counts when one of its frames starts with a prefix and
nothing after the last such frame continues the router (vertx-web's iterateNext / next: the rest of
the request's handlers, called from inside an authentication handler's callback), so that a handler
is charged what it does, not what the routes after it do. Shares of one profile against another
compare runs whose speed differed (the machine's moves 3x from day to day); absolute times do not.

`routing` as a group stands for vertx-web's route matching itself: samples inside RouteState.matches
or RoutingContextImplBase.iterateNext that did not reach a route's handler.
"""
import sys


def shares(path, groups):
    total = 0
    owned = [0] * len(groups)
    for line in open(path):
        stack, _, count = line.rstrip().rpartition(" ")
        frames = stack.split(";")
        if "eventloop" not in frames[0]:
            continue
        count = int(count)
        total += count
        for g, prefixes in enumerate(groups):
            if prefixes == ["routing"]:
                hits = [i for i, f in enumerate(frames) if f.startswith("io/vertx/ext/web/impl/RouteState.matches")
                        or f.startswith("io/vertx/ext/web/impl/RoutingContextImplBase.iterateNext")]
                if hits and not any("handleContext" in f for f in frames[hits[-1] + 1:]):
                    owned[g] += count
                continue
            hits = [i for i, f in enumerate(frames) if any(f.startswith(p) for p in prefixes)]
            if hits and not any("iterateNext" in f or f.endswith("Context.next") or f.endswith("ContextImpl.next")
                                or f.endswith("ContextWrapper.next") for f in frames[hits[-1] + 1:]):
                owned[g] += count
    return total, owned


def main():
    a, b, groups = sys.argv[1], sys.argv[2], [arg.split(",") for arg in sys.argv[3:]]
    total_a, owned_a = shares(a, groups)
    total_b, owned_b = shares(b, groups)
    print(f"event-loop samples: A {total_a}, B {total_b}")
    for prefixes, x, y in zip(groups, owned_a, owned_b):
        print(f"{100 * x / total_a:6.2f} % -> {100 * y / total_b:6.2f} %  {','.join(prefixes)}")


if __name__ == "__main__":
    main()
