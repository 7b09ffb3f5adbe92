package io.github.twofa.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.twofa.backupcodes.BackupCodeHasher;
import io.github.twofa.credential.BackupCodesCredentialModel;
import io.github.twofa.credential.dto.BackupCodesCredentialData;
import io.github.twofa.credential.dto.BackupCodesSecretData;
import io.github.twofa.it.support.Http;
import io.github.twofa.it.support.PostgresServer;

/**
 * What the soak reads from PostgreSQL, behind Keycloak's back: the credentials of a realm's users and the realm's
 * stored events. Secrets never leave this class: a TOTP key is compared by a digest of its sealed form, a backup-code
 * set by which of the users' known codes it still holds.
 */
final class SoakDatabase {

    /**
     * One stored credential.
     *
     * @param secretDigest a digest of the stored secret data, to see whether it changed
     * @param backupCodesLeft for a backup-code set, which codes of the printed list it holds unused (by place)
     * @param hashesStored for a backup-code set, how many hashes it stores
     * @param statedStored for a backup-code set, how many it says it stores (its credential data)
     * @param usedRecorded for a backup-code set, how many codes the extension's table records as used
     */
    record Credential(
            String user,
            String id,
            String type,
            String secretDigest,
            Set<Integer> backupCodesLeft,
            int hashesStored,
            int statedStored,
            int usedRecorded) {}

    /** One stored user event. */
    record Event(String user, String type, long time, String error, Map<String, String> details) {

        String detail(String name) {
            return details.get(name);
        }
    }

    private final PostgresServer database;
    private final String realmId;
    private final List<String> backupCodes;
    /** The hashes of the printed codes per salt and iteration count: computing them is the slow part. */
    private final Map<String, List<String>> hashedCodes = new HashMap<>();

    /** @param backupCodes the printed list of backup codes every user of ours has */
    SoakDatabase(PostgresServer database, String realmId, List<String> backupCodes) {
        this.database = database;
        this.realmId = realmId;
        this.backupCodes = backupCodes;
    }

    /** The credentials of the realm's users, by user id. */
    Map<String, List<Credential>> credentials() {
        List<Credential> credentials = new ArrayList<>();
        rows("select coalesce(json_agg(to_jsonb(c) || jsonb_build_object('used_codes', (select"
                        + " coalesce(jsonb_agg(used.code_digest), '[]') from twofa_used_backup_code used"
                        + " where used.credential_id = c.id))), '[]')"
                        + " from credential c join user_entity u on u.id = c.user_id"
                        + " where u.realm_id = '" + realmId + "'")
                .forEach(row -> credentials.add(credential(row)));
        return credentials.stream().collect(Collectors.groupingBy(Credential::user));
    }

    /** The realm's stored user events, oldest first. */
    List<Event> events() {
        List<Event> events = new ArrayList<>();
        rows("select coalesce(json_agg(to_jsonb(e) order by e.event_time), '[]') from event_entity e"
                        + " where e.realm_id = '" + realmId + "'")
                .forEach(row -> {
                    JsonNode details = row.path("details_json_long_value").isTextual()
                            ? row.get("details_json_long_value")
                            : row.path("details_json");
                    Map<String, String> detailMap = new HashMap<>();
                    if (details.isTextual()) {
                        Http.json(details.asText())
                                .fields()
                                .forEachRemaining(field -> detailMap.put(
                                        field.getKey(), field.getValue().asText()));
                    }
                    events.add(new Event(
                            row.path("user_id").asText(null),
                            row.path("type").asText(),
                            row.path("event_time").asLong(),
                            row.path("error").asText(null),
                            detailMap));
                });
        return events;
    }

    private Credential credential(JsonNode row) {
        String type = row.path("type").asText();
        String secret = row.path("secret_data").asText("");
        Set<Integer> left = Set.of();
        int hashesStored = -1;
        int statedStored = -1;
        int usedRecorded = -1;
        if (type.equals(BackupCodesCredentialModel.TYPE)) {
            BackupCodesSecretData codes = read(secret, BackupCodesSecretData.class);
            BackupCodesCredentialData data =
                    read(row.path("credential_data").asText(), BackupCodesCredentialData.class);
            List<String> hashes = hashedCodes.computeIfAbsent(
                    codes.salt() + "/" + data.iterations(), key -> hash(codes.salt(), data.iterations()));
            // A used code keeps its hash; the extension's table holds the SHA-256 of that hash (Base64).
            Set<String> used = new HashSet<>();
            row.path("used_codes").forEach(digest -> used.add(digest.asText()));
            Set<String> stored = new HashSet<>(codes.hashes());
            left = new HashSet<>();
            for (int i = 0; i < hashes.size(); i++) {
                if (stored.contains(hashes.get(i)) && !used.contains(sha256(hashes.get(i)))) {
                    left.add(i);
                }
            }
            hashesStored = codes.hashes().size();
            statedStored = data.stored();
            usedRecorded = used.size();
        }
        return new Credential(
                row.path("user_id").asText(),
                row.path("id").asText(),
                type,
                digest(secret),
                left,
                hashesStored,
                statedStored,
                usedRecorded);
    }

    private List<String> hash(String salt, int iterations) {
        byte[] saltBytes = Base64.getDecoder().decode(salt);
        return backupCodes.stream()
                .map(code -> Base64.getEncoder().encodeToString(BackupCodeHasher.hash(code, saltBytes, iterations)))
                .toList();
    }

    private JsonNode rows(String sql) {
        return Http.json(database.query(sql).trim());
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return Http.JSON.readValue(json, type);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName(), e);
        }
    }

    private static String sha256(String storedHash) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256")
                            .digest(storedHash.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digest(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
