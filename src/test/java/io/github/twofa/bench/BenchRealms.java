package io.github.twofa.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.Http;

/**
 * The two realms, alike but for the second factor: {@value #BUILTIN} keeps Keycloak's default browser flow (password,
 * then its conditional OTP form for users who have OTP), {@value #TWOFA} uses the demo realm's "twofa browser" flow
 * (cookie, or password then our step) without the demo's authenticator references (amr), of which the built-in flow
 * has none either. Both have the same settings otherwise (default password policy, so argon2;
 * brute-force detection on; required actions of the demo realm; events off) and the same public PKCE client.
 */
final class BenchRealms {

    static final String BUILTIN = "bench-builtin";
    static final String TWOFA = "bench-twofa";
    static final String CLIENT_ID = "bench-app";
    /** Never connected to: the benchmark reads the code from the Location header. */
    static final String REDIRECT_URI = "http://127.0.0.1:9/callback";

    private static final Set<String> OUR_FLOWS = Set.of("twofa browser", "twofa browser forms");
    private static final Set<String> OUR_STEP_CONFIGS = Set.of("twofa password amr", "twofa totp");

    private BenchRealms() {}

    /** Creates both realms; returns the id of {@value #TWOFA}, which our sealed secrets are bound to. */
    static String create(AdminApi admin) throws IOException {
        JsonNode demo = Http.JSON.readTree(
                Path.of(System.getProperty("kc.test.realmFile")).toFile());
        admin.importRealm(common(BUILTIN, demo));
        ObjectNode twofa = common(TWOFA, demo);
        twofa.put("browserFlow", "twofa browser");
        twofa.set("roles", realmRolesOf(demo));
        twofa.set("authenticationFlows", only(demo.get("authenticationFlows"), OUR_FLOWS));
        twofa.set(
                "authenticatorConfig",
                withoutAuthenticatorReferences(only(demo.get("authenticatorConfig"), OUR_STEP_CONFIGS)));
        admin.importRealm(twofa);
        return admin.get("/" + TWOFA).get("id").asText();
    }

    /**
     * The demo realm's own roles, which its flows name; not its client roles, which a new realm makes itself (on
     * PostgreSQL, importing them again is a duplicate and the import fails) nor its default role, which is per realm.
     */
    private static ObjectNode realmRolesOf(JsonNode demo) {
        ArrayNode realmRoles = Http.JSON.createArrayNode();
        demo.path("roles").path("realm").forEach(role -> {
            if (!role.path("name").asText().startsWith("default-roles-")) {
                realmRoles.add(role);
            }
        });
        ObjectNode roles = Http.JSON.createObjectNode();
        roles.set("realm", realmRoles);
        return roles;
    }

    private static ObjectNode common(String name, JsonNode demo) {
        ObjectNode realm = Http.JSON.createObjectNode();
        realm.put("realm", name);
        realm.put("enabled", true);
        realm.put("bruteForceProtected", true);
        realm.put("failureFactor", demo.get("failureFactor").asInt());
        realm.set("requiredActions", demo.get("requiredActions"));
        realm.set("clients", Http.JSON.valueToTree(List.of(client())));
        return realm;
    }

    private static ObjectNode client() {
        ObjectNode client = Http.JSON.createObjectNode();
        client.put("clientId", CLIENT_ID);
        client.put("enabled", true);
        client.put("publicClient", true);
        client.put("protocol", "openid-connect");
        client.put("standardFlowEnabled", true);
        client.put("directAccessGrantsEnabled", false);
        client.set("redirectUris", Http.JSON.valueToTree(List.of(REDIRECT_URI)));
        client.set("attributes", Http.JSON.createObjectNode().put("pkce.code.challenge.method", "S256"));
        return client;
    }

    /**
     * The demo's step settings without its authenticator references ({@code default.reference.value} and
     * {@code .maxAge}, which make Keycloak report {@code amr}): {@value #BUILTIN}'s flow has none, so neither side
     * pays for Keycloak's amr bookkeeping. Until 4 December the benchmark kept them on our side only.
     */
    private static ArrayNode withoutAuthenticatorReferences(ArrayNode configs) {
        configs.forEach(config -> ((ObjectNode) config.get("config"))
                .remove(List.of(REFERENCE_PREFIX + "value", REFERENCE_PREFIX + "maxAge")));
        return configs;
    }

    private static final String REFERENCE_PREFIX = "default.reference.";

    private static ArrayNode only(JsonNode entries, Set<String> aliases) {
        ArrayNode kept = Http.JSON.createArrayNode();
        entries.forEach(entry -> {
            if (aliases.contains(entry.get("alias").asText())) {
                kept.add(entry);
            }
        });
        return kept;
    }
}
