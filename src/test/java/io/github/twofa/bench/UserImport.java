package io.github.twofa.bench;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;

import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.Http;

/**
 * Creates the benchmark's users through the admin API's partial import, in batches, with credentials computed
 * beforehand: one argon2 password hash for everybody (hashing it per user would take the server minutes), and each
 * user's own OTP secret. The user ids are chosen here, because our sealed TOTP secrets are bound to them.
 */
final class UserImport {

    /**
     * Users per request. Keycloak flushes its whole persistence context before storing each credential, so the cost
     * per user grows with the batch; around 100 is fastest (with 1,000 a user costs several times as much).
     */
    private static final int BATCH = 100;

    private final AdminApi admin;
    private final Map<String, Object> password = Argon2Password.credential(BenchUser.PASSWORD);

    UserImport(AdminApi admin) {
        this.admin = admin;
    }

    /** {@code count} users of {@value BenchRealms#BUILTIN}, each with Keycloak's own OTP. */
    List<BenchUser> builtinOtpUsers(int count) {
        return builtinOtpUsers(count, "otp-user");
    }

    /** The same, with user names that start with {@code prefix} (for a second set of users in the same realm). */
    List<BenchUser> builtinOtpUsers(int count, String prefix) {
        return importUsers(BenchRealms.BUILTIN, prefix, count, (id, username) -> {
            String secret = SecondFactorCredentials.newBuiltinOtpSecret();
            return new Enrolled(
                    new BenchUser(id, username, SecondFactorCredentials.builtinOtpKey(secret), List.of()),
                    List.of(SecondFactorCredentials.builtinOtp(secret)));
        });
    }

    /** {@code count} users of {@value BenchRealms#TWOFA}, each with our TOTP and a set of backup codes. */
    List<BenchUser> twofaUsers(int count, String realmId, SecondFactorCredentials ours) {
        return twofaUsers(count, realmId, ours, "twofa-user");
    }

    /** The same, with user names that start with {@code prefix} (for a second set of users in the same realm). */
    List<BenchUser> twofaUsers(int count, String realmId, SecondFactorCredentials ours, String prefix) {
        return importUsers(BenchRealms.TWOFA, prefix, count, (id, username) -> {
            byte[] key = SecondFactorCredentials.newTotpKey();
            return new Enrolled(
                    new BenchUser(id, username, key, ours.backupCodes()),
                    List.of(ours.ourTotp(realmId, id, key), ours.ourBackupCodes()));
        });
    }

    /** A user and the second-factor credentials to import with them. */
    private record Enrolled(BenchUser user, List<Map<String, Object>> secondFactor) {}

    private List<BenchUser> importUsers(
            String realm, String prefix, int count, BiFunction<String, String, Enrolled> enrol) {
        List<BenchUser> users = new ArrayList<>(count);
        List<Map<String, Object>> batch = new ArrayList<>(BATCH);
        for (int i = 1; i <= count; i++) {
            Enrolled enrolled =
                    enrol.apply(UUID.randomUUID().toString(), String.format(Locale.ROOT, "%s-%05d", prefix, i));
            users.add(enrolled.user());
            batch.add(representation(enrolled));
            if (batch.size() == BATCH || i == count) {
                send(realm, batch);
                batch.clear();
            }
        }
        return users;
    }

    private Map<String, Object> representation(Enrolled enrolled) {
        List<Map<String, Object>> credentials = new ArrayList<>();
        credentials.add(password);
        credentials.addAll(enrolled.secondFactor());
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("id", enrolled.user().id());
        user.put("username", enrolled.user().username());
        user.put("enabled", true);
        // A complete profile, so Keycloak's "verify profile" action has nothing to ask.
        user.put("email", enrolled.user().username() + "@example.org");
        user.put("emailVerified", true);
        user.put("firstName", "Bench");
        user.put("lastName", "User");
        user.put("credentials", credentials);
        return user;
    }

    private void send(String realm, List<Map<String, Object>> users) {
        HttpResponse<String> response =
                admin.call("POST", "/" + realm + "/partialImport", Map.of("ifResourceExists", "FAIL", "users", users));
        if (response.statusCode() != 200
                || Http.json(response.body()).path("added").asInt() != users.size()) {
            throw new IllegalStateException("partial import into " + realm + " failed: HTTP " + response.statusCode()
                    + " "
                    + response.body().substring(0, Math.min(500, response.body().length())));
        }
    }
}
