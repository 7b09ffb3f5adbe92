package io.github.twofa.bench;

import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Spreads requests over the nodes of a cluster without sticky sessions, as the load balancer of
 * {@code docker-compose.yml} does: every request goes to the next node in turn, whichever node served the page it
 * came from, so one login's pages, form posts and token request land on both nodes. With one node it changes nothing.
 */
final class NodeRouter {

    private final List<URI> nodes;
    private final AtomicInteger turn;

    /** @param firstTurn the node (by index, modulo their number) the first request goes to */
    NodeRouter(List<String> baseUrls, int firstTurn) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("no nodes");
        }
        this.nodes = baseUrls.stream().map(URI::create).toList();
        this.turn = new AtomicInteger(firstTurn);
    }

    /** The first node, whose address the pages and requests are written with before they are routed. */
    String firstBaseUrl() {
        return nodes.get(0).toString();
    }

    int nodeCount() {
        return nodes.size();
    }

    /** {@code uri} (on any node) sent to the node whose turn it is. */
    URI route(URI uri) {
        if (nodes.size() == 1) {
            return uri;
        }
        URI node = nodes.get(Math.floorMod(turn.getAndIncrement(), nodes.size()));
        // The raw path and query as they are: URI's many-argument constructors would encode them again.
        return URI.create(node.getScheme() + "://" + node.getRawAuthority() + uri.getRawPath()
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
    }
}
