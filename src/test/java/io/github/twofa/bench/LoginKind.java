package io.github.twofa.bench;

/**
 * The kinds of login the benchmark compares, each on its own realm's users. The built-in OTP is measured twice, in
 * rounds of its own, so that the run shows how far two measurements of the very same thing differ (the A/A noise).
 */
enum LoginKind {
    BUILTIN_OTP("builtin-otp", "built-in OTP", BenchRealms.BUILTIN),
    BUILTIN_OTP_AGAIN("builtin-otp-again", "built-in OTP again (A/A)", BenchRealms.BUILTIN),
    TWOFA_TOTP("twofa-totp", "ours: app code", BenchRealms.TWOFA),
    TWOFA_BACKUP_CODE("twofa-backup-code", "ours: backup code", BenchRealms.TWOFA);

    private final String id;
    private final String label;
    private final String realm;

    LoginKind(String id, String label, String realm) {
        this.id = id;
        this.label = label;
        this.realm = realm;
    }

    /** A name for files and JSON. */
    String id() {
        return id;
    }

    /** A name for people. */
    String label() {
        return label;
    }

    String realm() {
        return realm;
    }
}
