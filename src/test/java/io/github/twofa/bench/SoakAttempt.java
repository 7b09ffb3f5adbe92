package io.github.twofa.bench;

/**
 * One line of the soak's client log: one code sent (or meant to be sent) in a login, and what became of it. Never the
 * code itself: an app code is known by its time step, a backup code by its place in the user's printed list.
 *
 * @param started   when the login began (epoch milliseconds)
 * @param answered  when the server answered the code, or 0 when it never did
 * @param ended     when the attempt ended
 * @param user      the user's id
 * @param step      the app code's time step, or -1
 * @param backupCode the backup code's place in the list (0-based), or -1
 * @param codeNode  the node the code was sent to, or null when it was not sent
 * @param status    the HTTP status of the answer to the code, or 0
 * @param message   what went wrong, or null
 */
record SoakAttempt(
        long started,
        long answered,
        long ended,
        Purpose purpose,
        LoginKind kind,
        String user,
        long step,
        int backupCode,
        String codeNode,
        Verdict verdict,
        int status,
        String message) {

    /** Why the code was sent. */
    enum Purpose {
        /** A steady login of a user with their current code. */
        LOGIN,
        /** A code of ours accepted a moment ago, sent again through the other node: must be refused. */
        REPLAY,
        /** The lockout attack's wrong codes, sent until the user is locked out. */
        WRONG_CODE,
        /** The right code of a fresh time step while the user is locked out: must be refused. */
        DURING_LOCKOUT,
        /** The right code once the lockout has ended: must work. */
        AFTER_LOCKOUT
    }

    /** What became of the code. */
    enum Verdict {
        /** Accepted, and the login went on to the tokens. */
        ACCEPTED,
        /** Accepted (the server moved on past the code), but a later step of the login failed. */
        ACCEPTED_UNFINISHED,
        /** Refused as a wrong or used code. */
        REFUSED,
        /** Refused unchecked: the user is locked out. */
        LOCKED,
        /** Refused because another sign-in with the same codes was being checked. */
        BUSY,
        /** Sent, but no clear answer: the connection broke, an error page, the login started over. */
        ERROR,
        /** Never sent: the login failed before the code page. */
        NOT_SENT;

        boolean accepted() {
            return this == ACCEPTED || this == ACCEPTED_UNFINISHED;
        }
    }

    /** The line for a code sent in a login that began at {@code started}, and the server's answer to it. */
    static SoakAttempt answered(
            long started,
            Purpose purpose,
            LoginKind kind,
            String user,
            SoakBrowser.Code code,
            SoakBrowser.Answer answer) {
        return new SoakAttempt(
                started,
                answer.at(),
                System.currentTimeMillis(),
                purpose,
                kind,
                user,
                code.step(),
                code.backupCode(),
                answer.node(),
                answer.verdict(),
                answer.status(),
                answer.message());
    }

    /** The line for a login that failed before its code could be sent. */
    static SoakAttempt notSent(long started, Purpose purpose, LoginKind kind, String user, String message) {
        return new SoakAttempt(
                started,
                0,
                System.currentTimeMillis(),
                purpose,
                kind,
                user,
                -1,
                -1,
                null,
                Verdict.NOT_SENT,
                0,
                message);
    }

    boolean accepted() {
        return verdict.accepted();
    }

    boolean isAppCode() {
        return step >= 0;
    }
}
