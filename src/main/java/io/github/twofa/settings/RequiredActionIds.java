package io.github.twofa.settings;

/**
 * The ids of the extension's required actions, for the places that send a user to one (the login steps, the
 * credential types' create and update actions) without depending on the actions themselves.
 */
public final class RequiredActionIds {

    /** Set up the authenticator app (QR code, key, first code). */
    public static final String TOTP_SETUP = "twofa-setup-totp";
    /** Show and confirm a new set of backup codes. */
    public static final String BACKUP_CODES = "twofa-backup-codes";
    /** Authentication-session note set by the login step after a backup code was used: how many codes are left. */
    public static final String BACKUP_CODES_REMAINING_NOTE = "twofa.backup-codes.remaining";

    private RequiredActionIds() {
    }
}
