package io.github.twofa.bench;

/**
 * What one login costs the servers, on average: single-use store reads and writes (all nodes), database statements
 * (of which inserts, updates and deletes) and transactions. NaN where the set-up has no such count (H2 in dev mode).
 */
record LoginCosts(
        double storeReads, double storeWrites, double statements, double statementWrites, double transactions) {

    /**
     * @param during     the counts over the logins
     * @param idle       the counts of the idle servers over a measured time
     * @param idleShare  the logins' time divided by that idle time
     * @param logins     how many logins were counted
     */
    static LoginCosts of(BenchServers.Counts during, BenchServers.Counts idle, double idleShare, int logins) {
        return new LoginCosts(
                perLogin(during.storeReads(), idle.storeReads(), idleShare, logins),
                perLogin(during.storeWrites(), idle.storeWrites(), idleShare, logins),
                perLogin(during.statements(), idle.statements(), idleShare, logins),
                perLogin(during.statementWrites(), idle.statementWrites(), idleShare, logins),
                perLogin(during.transactions(), idle.transactions(), idleShare, logins));
    }

    private static double perLogin(long during, long idle, double idleShare, int logins) {
        if (during < 0) {
            return Double.NaN;
        }
        return Math.max(0, during - idle * idleShare) / logins;
    }
}
