package io.github.twofa.bench;

/**
 * What is timed in a login. A step is one user action: a request, and the redirects inside Keycloak a browser
 * follows to the next page. The second factor is timed up to Keycloak's answer to the code, so it is the same
 * measure for all three kinds: the built-in OTP and our app code answer with the redirect to the client, a backup
 * code with a redirect to the page that says how many codes are left.
 */
enum Step {
    LOGIN_PAGE("login page"),
    PASSWORD("password"),
    /** The code sent from the built-in OTP form or our code page (whose field takes an app code or a backup code). */
    SECOND_FACTOR("second factor"),
    /** Backup codes only: showing the page after a backup code that says how many are left, and its "Continue". */
    CODES_LEFT_NOTICE("codes-left notice"),
    TOKEN("token"),
    WHOLE_LOGIN("whole login");

    private final String label;

    Step(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
