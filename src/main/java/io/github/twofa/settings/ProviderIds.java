package io.github.twofa.settings;

/**
 * The ids of the extension's required actions and login steps, for the places that refer to one (the login steps
 * sending a user to an action, the credential types' create and update actions, an action marking the step done)
 * without depending on it.
 */
public final class ProviderIds {

    /** Set up the authenticator app (QR code, key, first code). */
    public static final String TOTP_SETUP = "twofa-setup-totp";
    /** Show and confirm a new set of backup codes. */
    public static final String BACKUP_CODES = "twofa-backup-codes";
    /** List the browsers the user trusted, and forget them all. */
    public static final String TRUSTED_BROWSERS = "twofa-trusted-browsers";
    /** Authentication-session note set by the login step after a backup code was used: how many codes are left. */
    public static final String BACKUP_CODES_REMAINING_NOTE = "twofa.backup-codes.remaining";

    /**
     * Authentication-session notes: the second factor this login took and its credential, for the LOGIN event, which
     * Keycloak sends at the end of the login, after any pages that follow the step.
     */
    public static final String SECOND_FACTOR_NOTE = "twofa.second-factor";

    public static final String SECOND_FACTOR_CREDENTIAL_NOTE = "twofa.second-factor-credential";

    /** Authentication-session note: the login step let a user without 2FA through (the LOGIN event says "none"). */
    public static final String NO_SECOND_FACTOR_NOTE = "twofa.no-second-factor";

    /** Authentication-session note: the app's clock seems this many seconds off (negative: behind); say so. */
    public static final String CLOCK_DRIFT_NOTE = "twofa.clock-drift";

    /** The login step of browser flows. */
    public static final String BROWSER_STEP = "twofa-totp-authenticator";
    /** The login step of direct-grant flows. */
    public static final String DIRECT_GRANT_STEP = "twofa-direct-grant";

    private ProviderIds() {}
}
