package io.github.twofa.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.twofa.backupcodes.BackupCodePolicy;
import io.github.twofa.it.support.AdminApi;

/**
 * The soak's users, in the benchmark's two realms: built-in OTP users, and of ours separate users for app codes and
 * for backup codes (so no two clients ever hold one user) and a few kept for the lockout attack. Our realm stores
 * its events, which the checks read.
 *
 * @param backupCodes every user's printed list of backup codes (the same list for all)
 */
record SoakUsers(
        String twofaRealmId,
        String builtinRealmId,
        List<BenchUser> builtin,
        List<BenchUser> appCode,
        List<BenchUser> backupCode,
        List<BenchUser> lockout,
        List<String> backupCodes) {

    /** What the checks read: logins, refusals, lockouts and backup codes used. */
    private static final List<String> STORED_EVENTS = List.of(
            "LOGIN",
            "LOGIN_ERROR",
            "UPDATE_CREDENTIAL",
            "UPDATE_CREDENTIAL_ERROR",
            "REMOVE_CREDENTIAL",
            "USER_DISABLED_BY_TEMPORARY_LOCKOUT");

    static SoakUsers create(AdminApi admin, String encryptionKeys, SoakOptions options) throws IOException {
        String twofaRealmId = BenchRealms.create(admin);
        storeEvents(admin);
        UserImport userImport = new UserImport(admin);
        int perKind = options.users();
        List<BenchUser> builtin = userImport.builtinOtpUsers(perKind);
        SecondFactorCredentials credentials =
                new SecondFactorCredentials(encryptionKeys, BackupCodePolicy.DEFAULT_ITERATIONS);
        List<BenchUser> ours = userImport.twofaUsers(2 * perKind + options.lockoutUsers(), twofaRealmId, credentials);
        return new SoakUsers(
                twofaRealmId,
                admin.get("/" + BenchRealms.BUILTIN).get("id").asText(),
                builtin,
                ours.subList(0, perKind),
                ours.subList(perKind, 2 * perKind),
                ours.subList(2 * perKind, ours.size()),
                credentials.backupCodes());
    }

    /** The steady logins' users by kind, each pool handing a user to one client at a time. */
    Map<LoginKind, UserPool> pools() {
        return Map.of(
                LoginKind.BUILTIN_OTP, UserPool.forAppCodes(builtin),
                LoginKind.TWOFA_TOTP, UserPool.forAppCodes(appCode),
                LoginKind.TWOFA_BACKUP_CODE, UserPool.forBackupCodes(backupCode));
    }

    Set<String> lockoutUserIds() {
        return lockout.stream().map(BenchUser::id).collect(Collectors.toSet());
    }

    /** The bench realms store no events; the soak needs ours, for a day (longer than any soak). */
    private static void storeEvents(AdminApi admin) {
        HttpResponse<String> response = admin.call(
                "PUT",
                "/" + BenchRealms.TWOFA + "/events/config",
                Map.of(
                        "eventsEnabled",
                        true,
                        "eventsExpiration",
                        86_400,
                        "eventsListeners",
                        List.of("jboss-logging"),
                        "enabledEventTypes",
                        STORED_EVENTS));
        if (response.statusCode() != 204) {
            throw new IllegalStateException("turning on events failed: HTTP " + response.statusCode());
        }
    }
}
