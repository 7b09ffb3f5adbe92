package io.github.twofa.rest;

import java.util.Map;

import io.github.twofa.audit.AuditEvents;
import io.github.twofa.credential.BuiltInOtp;
import io.github.twofa.credential.BuiltInOtpMigration;
import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.settings.RealmSettings;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/two-factor}: part of Keycloak's admin REST API, so it is authenticated like the rest
 * of it (tokens of the realm's or the master realm's administrators) and hidden with it by a proxy that hides
 * {@code /admin}. Reading needs {@code view-users}, resetting {@code manage-users}, as Keycloak's permission evaluator
 * decides (fine-grained admin permissions included).
 */
@Produces(MediaType.APPLICATION_JSON)
public class AdminTwoFactorResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAuth adminAuth;
    private final AdminPermissionEvaluator permissions;

    private final AdminEventBuilder adminEvent;

    AdminTwoFactorResource(
            KeycloakSession session,
            RealmModel realm,
            AdminPermissionEvaluator permissions,
            AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.permissions = permissions;
        this.adminAuth = permissions.adminAuth();
        this.adminEvent = adminEvent;
    }

    @GET
    @Path("users/{userId}")
    public TwoFactorStatus userStatus(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        if (!permissions.users().canView(user)) {
            throw forbidden();
        }
        return TwoFactorStatus.of(session, user);
    }

    /** Removes the user's authenticator and backup codes, e.g. after a lost phone; recorded as an admin event. */
    @POST
    @Path("users/{userId}/reset")
    public Map<String, Object> reset(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        if (!permissions.users().canManage(user)) {
            throw forbidden();
        }
        if (!user.credentialManager().isConfiguredFor(TotpCredentialModel.TYPE) && !BuiltInOtp.hasAny(user)) {
            throw new ApiException(409, "not_enabled", "Two-factor authentication is not enabled for this user.");
        }
        TwoFactorService.of(session)
                .adminReset(
                        realm,
                        user,
                        adminEvent,
                        AuditEvents.event(session, realm, user, adminAuth.getClient()),
                        adminAuth.getUser().getId());
        return Map.of("enabled", false);
    }

    /** Who has 2FA: counts for the realm and one page of users, optionally only those with, without, or low on codes. */
    @GET
    @Path("coverage")
    public CoverageReport coverage(
            @QueryParam("first") String first, @QueryParam("max") String max, @QueryParam("filter") String filter) {
        if (!permissions.users().canView()) {
            throw forbidden();
        }
        return CoverageReport.query(
                session,
                realm,
                CoverageReport.Filter.parse(filter),
                intParameter(first, "first", 0, 0, Integer.MAX_VALUE),
                intParameter(max, "max", 100, 1, 1000),
                RealmSettings.backupCodePolicy(realm).lowThreshold());
    }

    /**
     * Migrates one page of the realm's built-in TOTP credentials to ours (manage-users); {@code dryRun=true} only
     * counts. Run it again with {@code after} set to the answer's {@code next} until {@code next} is null; a run from
     * the start finds only what is left. Each page is an admin event (counts only).
     */
    @POST
    @Path("migrate-built-in-otp")
    public BuiltInOtpMigration.Page migrateBuiltInOtp(
            @QueryParam("dryRun") String dryRun, @QueryParam("max") String max, @QueryParam("after") String after) {
        if (!permissions.users().canManage()) {
            throw forbidden();
        }
        // An empty "dryRun=" must not run for real: it is refused, as any other value but true or false.
        boolean dryRunGiven = session.getContext().getUri().getQueryParameters().containsKey("dryRun");
        if (dryRunGiven && !"true".equals(dryRun) && !"false".equals(dryRun)) {
            throw ApiException.badRequest("Query parameter 'dryRun' must be true or false.");
        }
        if (after != null && (after.isEmpty() || after.length() > 64)) {
            throw ApiException.badRequest("Query parameter 'after' must be the 'next' of the previous answer.");
        }
        BuiltInOtpMigration.Page page = BuiltInOtpMigration.run(
                session, realm, "true".equals(dryRun), intParameter(max, "max", 500, 1, 1000), after);
        if (!page.dryRun()) {
            AuditEvents.builtInOtpMigrated(adminEvent, page);
        }
        return page;
    }

    /** As Keycloak's own users resource: an unknown id is 404 only for callers who may look users up at all. */
    private UserModel findUser(String userId) {
        UserModel user =
                userId == null || userId.length() > 64 ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            if (!permissions.users().canQuery()) {
                throw forbidden();
            }
            throw new ApiException(404, "user_not_found", "No user with this id in this realm.");
        }
        return user;
    }

    /** One answer for every refusal, so it tells nothing about which users exist. */
    private static ApiException forbidden() {
        return ApiException.forbidden(
                "This needs the realm-management role view-users (to read) or manage-users (to reset).");
    }

    private static int intParameter(String value, String name, int fallback, int min, int max) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        // ASCII digits only: Integer.parseInt would also take other scripts' digits and a sign.
        if (value.length() <= 10 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return (int) parsed;
            }
        }
        throw ApiException.badRequest(
                "Query parameter '" + name + "' must be a whole number from " + min + " to " + max + ".");
    }
}
