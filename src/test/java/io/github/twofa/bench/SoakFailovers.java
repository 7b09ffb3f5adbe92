package io.github.twofa.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import io.github.twofa.it.support.ClusterNode;

/**
 * The soak's failures: every so often one node (taking turns) is killed as a crash would kill it (SIGKILL), stays
 * down a while, is started again, and the two nodes form a cluster again before the next kill.
 */
final class SoakFailovers implements Runnable {

    /**
     * One kill and restart (epoch milliseconds; 0 for what never happened).
     *
     * @param ready     when the restarted node answered ready
     * @param clustered when both nodes saw a cluster of two again
     * @param problem   what went wrong in the restart, or null
     */
    record Failover(String node, long killed, long restarting, long ready, long clustered, String problem) {}

    private final List<ClusterNode> nodes;
    private final SoakOptions options;
    private final long deadline;
    private final Consumer<String> say;
    private final List<Failover> failovers = new ArrayList<>();

    /** @param deadline no node is killed that would still be down then */
    SoakFailovers(List<ClusterNode> nodes, SoakOptions options, long deadline, Consumer<String> say) {
        this.nodes = nodes;
        this.options = options;
        this.deadline = deadline;
        this.say = say;
    }

    @Override
    public void run() {
        long next = System.currentTimeMillis() + options.killEveryMillis();
        try {
            for (int turn = 0; next + options.downSeconds() * 1000L < deadline; turn++) {
                Thread.sleep(Math.max(0, next - System.currentTimeMillis()));
                Failover failover = killAndRestart(nodes.get(turn % nodes.size()));
                record(failover);
                if (failover.problem() != null) {
                    return;
                }
                // Never before the failover's tail has passed, so that failovers do not overlap in the report.
                next = Math.max(
                        next + options.killEveryMillis(), failover.clustered() + options.failoverTailSeconds() * 1000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Failover killAndRestart(ClusterNode node) throws InterruptedException {
        say.accept("Killing node " + node.name());
        long killed = System.currentTimeMillis();
        node.kill();
        Thread.sleep(options.downSeconds() * 1000L);
        long restarting = System.currentTimeMillis();
        say.accept("Starting node " + node.name() + " again");
        try {
            node.restart();
        } catch (RuntimeException e) {
            return new Failover(node.name(), killed, restarting, 0, 0, "restart failed: " + e.getMessage());
        }
        long ready = System.currentTimeMillis();
        try {
            nodes.forEach(each -> each.awaitClusterOf(nodes.size()));
        } catch (RuntimeException e) {
            return new Failover(node.name(), killed, restarting, ready, 0, "no cluster again: " + e.getMessage());
        }
        long clustered = System.currentTimeMillis();
        say.accept(String.format(
                Locale.ROOT,
                "Node %s ready %.0f s after the kill, cluster of %d again after %.0f s",
                node.name(),
                (ready - killed) / 1000.0,
                nodes.size(),
                (clustered - killed) / 1000.0));
        return new Failover(node.name(), killed, restarting, ready, clustered, null);
    }

    private synchronized void record(Failover failover) {
        failovers.add(failover);
    }

    synchronized List<Failover> failovers() {
        return List.copyOf(failovers);
    }
}
