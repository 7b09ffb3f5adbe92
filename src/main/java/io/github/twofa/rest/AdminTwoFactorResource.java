package io.github.twofa.rest;

import java.util.Map;

import io.github.twofa.credential.TotpCredentialModel;
import io.github.twofa.credential.TotpCredentialProviderFactory;
import io.github.twofa.events.AuditEvents;
import io.github.twofa.requiredaction.BackupCodesRequiredAction;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.events.Details;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.services.managers.AuthenticationManager.AuthResult;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;
import org.keycloak.services.resources.admin.fgap.AdminPermissions;

/**
 * {@code /realms/{realm}/two-factor/admin}: for holders of realm-management {@code view-users} (read) or
 * {@code manage-users} (reset), checked by Keycloak's own admin permission evaluator.
 */
@Produces(MediaType.APPLICATION_JSON)
public class AdminTwoFactorResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminAuth adminAuth;
    private final AdminPermissionEvaluator permissions;

    AdminTwoFactorResource(KeycloakSession session, AuthResult auth) {
        this.session = session;
        this.realm = session.getContext().getRealm();
        this.adminAuth = new AdminAuth(realm, auth.getToken(), auth.getUser(), auth.getClient());
        this.permissions = AdminPermissions.evaluator(session, realm, adminAuth);
    }

    @GET
    @Path("users/{userId}")
    public TwoFactorStatus userStatus(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        if (!permissions.users().canView(user)) {
            throw ApiException.forbidden("Viewing this user needs the realm-management role view-users.");
        }
        return TwoFactorStatus.of(user);
    }

    /** Removes the user's authenticator and backup codes, e.g. after a lost phone; recorded as an admin event. */
    @POST
    @Path("users/{userId}/reset")
    public Map<String, Object> reset(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        if (!permissions.users().canManage(user)) {
            throw ApiException.forbidden("Resetting 2FA needs the realm-management role manage-users.");
        }
        if (!user.credentialManager().isConfiguredFor(TotpCredentialModel.TYPE)) {
            throw new ApiException(409, "not_enabled", "Two-factor authentication is not enabled for this user.");
        }
        String credentialId = TwoFactorResource.removeTwoFactor(session, user);
        // The user starts over with a new authenticator, so a lockout earned with the old one ends too.
        TotpCredentialProviderFactory.attemptLimiter(session).clear(realm.getId(), user.getId());
        new AdminEventBuilder(realm, adminAuth, session, session.getContext().getConnection())
                .operation(OperationType.ACTION).resource(ResourceType.USER)
                .resourcePath("users", user.getId(), "two-factor", "reset")
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .detail(AuditEvents.ACTION, AuditEvents.Action.ADMIN_RESET.value())
                .success();
        // Also in the user's own event history, where the user's other 2FA events are.
        AuditEvents.event(session, realm, user, adminAuth.getClient()).event(EventType.REMOVE_CREDENTIAL)
                .detail(Details.CREDENTIAL_TYPE, TotpCredentialModel.TYPE)
                .detail(Details.CREDENTIAL_ID, credentialId)
                .detail(AuditEvents.ACTION, AuditEvents.Action.ADMIN_RESET.value())
                .detail("admin_user_id", adminAuth.getUser().getId())
                .success();
        return Map.of("enabled", false);
    }

    /** Who has 2FA: counts for the realm and one page of users, optionally only those with, without, or low on codes. */
    @GET
    @Path("coverage")
    public CoverageReport coverage(@QueryParam("first") String first, @QueryParam("max") String max,
                                   @QueryParam("filter") String filter) {
        if (!permissions.users().canView()) {
            throw ApiException.forbidden("The coverage report needs the realm-management role view-users.");
        }
        return CoverageReport.query(session, realm, CoverageReport.Filter.parse(filter),
                intParameter(first, "first", 0, 0, Integer.MAX_VALUE), intParameter(max, "max", 100, 1, 1000),
                BackupCodesRequiredAction.policyOf(realm).lowThreshold());
    }

    private UserModel findUser(String userId) {
        UserModel user = userId == null || userId.length() > 64 ? null : session.users().getUserById(realm, userId);
        if (user == null) {
            if (!permissions.users().canQuery()) {
                throw ApiException.forbidden("Looking up users needs the realm-management role view-users.");
            }
            throw new ApiException(404, "user_not_found", "No user with this id in this realm.");
        }
        return user;
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
        throw ApiException.badRequest("Query parameter '" + name + "' must be a whole number from " + min + " to " + max + ".");
    }
}
