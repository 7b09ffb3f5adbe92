package io.github.twofa.bench;

import java.util.List;

import io.github.twofa.it.support.IndependentTotp;

/**
 * A user of one benchmark realm and what their authenticator app (and their printed backup codes) know. The codes
 * are computed by the tests' own RFC 6238 implementation, not by the extension. A user is in one client's hands at
 * a time (see {@link UserPool}), so the fields need no locking of their own.
 */
final class BenchUser {

    static final String PASSWORD = "bench-Passw0rd";

    private final String id;
    private final String username;
    private final byte[] totpKey;
    private final List<String> backupCodes;
    private long lastStepUsed = Long.MIN_VALUE;
    private int backupCodesUsed;

    BenchUser(String id, String username, byte[] totpKey, List<String> backupCodes) {
        this.id = id;
        this.username = username;
        this.totpKey = totpKey.clone();
        this.backupCodes = List.copyOf(backupCodes);
    }

    String id() {
        return id;
    }

    String username() {
        return username;
    }

    /** Whether the app has a code of a time step the server has not seen from this user yet. */
    boolean hasFreshAppCode() {
        return lastStepUsed < IndependentTotp.currentStep();
    }

    /** The app's code for the current time step, which is from now on used up (both servers refuse a replay). */
    String useAppCode() {
        lastStepUsed = IndependentTotp.currentStep();
        return IndependentTotp.code(totpKey, lastStepUsed);
    }

    /** The time step of the code {@link #useAppCode} gave last. */
    long lastStepUsed() {
        return lastStepUsed;
    }

    /** The app's code of any time step, without using it up (e.g. to make sure a wrong code is not a right one). */
    String appCode(long step) {
        return IndependentTotp.code(totpKey, step);
    }

    /**
     * Whether a backup code may still be used. The last one is kept: using it would make the login require a new
     * set, a page that is not part of a login.
     */
    boolean hasSpareBackupCode() {
        return backupCodesUsed < backupCodes.size() - 1;
    }

    /** The next unused backup code, from now on used up. */
    String useBackupCode() {
        return backupCodes.get(backupCodesUsed++);
    }
}
