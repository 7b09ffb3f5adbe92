package io.github.twofa.rest;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.twofa.audit.AuditEvents;
import io.github.twofa.credential.BackupCodesCredentialProvider;
import io.github.twofa.credential.BuiltInOtpMigration;
import io.github.twofa.credential.TrustedBrowsers;
import io.github.twofa.credential.UserSecondFactors;
import io.github.twofa.importing.CsvImport;
import io.github.twofa.importing.ImportLine;
import io.github.twofa.lifecycle.AppImport;
import io.github.twofa.lifecycle.EnrolmentGrace;
import io.github.twofa.lifecycle.TwoFactorService;
import io.github.twofa.settings.RealmSettings;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.keycloak.common.util.Time;
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
        if (!UserSecondFactors.hasAny(user)) {
            throw new ApiException(409, "not_enabled", "Two-factor authentication is not enabled for this user.");
        }
        try {
            TwoFactorService.of(session)
                    .adminReset(
                            realm,
                            user,
                            adminEvent,
                            AuditEvents.event(session, realm, user, adminAuth.getClient()),
                            adminAuth.getUser().getId());
        } catch (BackupCodesCredentialProvider.ChangedMeanwhile concurrent) {
            // The user changed their 2FA at this very moment: nothing of the reset is kept.
            throw new ApiException(
                    409, "try_again", "The user's two-factor settings changed at this moment; try again.", 1);
        }
        return Map.of("enabled", false);
    }

    /** Forgets every browser the user trusted (manage-users), e.g. after a stolen laptop; an admin event. */
    @DELETE
    @Path("users/{userId}/trusted-browsers")
    public Map<String, Object> forgetTrustedBrowsers(@PathParam("userId") String userId) {
        UserModel user = findUser(userId);
        if (!permissions.users().canManage(user)) {
            throw forbidden();
        }
        int forgotten = TrustedBrowsers.revokeAll(user);
        AuditEvents.trustedBrowsersForgotten(adminEvent, user, forgotten);
        return Map.of("forgotten", forgotten);
    }

    /**
     * Sets a user's grace period for setting up 2FA to end {@code days} from now (0 ends it now), e.g. to give someone
     * back from leave two more weeks (manage-users); an admin event.
     */
    @POST
    @Path("users/{userId}/grace")
    public Map<String, Object> setGrace(
            @PathParam("userId") String userId,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            InputStream body) {
        UserModel user = findUser(userId);
        if (!permissions.users().canManage(user)) {
            throw forbidden();
        }
        if (!mediaType(contentType).equals(MediaType.APPLICATION_JSON)) {
            throw new ApiException(415, "unsupported_media_type", "Send application/json: {\"days\": N}.");
        }
        Integer days = JsonBodies.read(body, JsonBodies.GraceRequest.class).days();
        if (days == null || days < 0 || days > 365) {
            throw ApiException.badRequest("Field 'days' must be a whole number from 0 to 365.");
        }
        long endsAt = EnrolmentGrace.set(user, Time.currentTime() + days * 86_400L);
        if (endsAt == 0) {
            throw new ApiException(
                    409, "read_only_user", "This user's grace period cannot be stored (read-only user storage).");
        }
        AuditEvents.graceSet(adminEvent, user, days);
        return Map.of("graceEndsAt", Instant.ofEpochSecond(endsAt).toString());
    }

    /** The media type of a Content-Type header, lower case without parameters; empty when absent. */
    private static String mediaType(String contentType) {
        return contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
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

    /** Largest import accepted in one request: 10,000 lines of a few hundred bytes. */
    private static final int MAX_IMPORT_BYTES = 4 * 1024 * 1024;

    private static final int MAX_IMPORT_LINES = 10_000;

    /**
     * Imports authenticator apps from another system (manage-users): per user an {@code otpauth://totp/} URI and a
     * label, as JSON ({@code {"users": [...]}}) or CSV ({@code username,otpauth_uri,label}); each good line becomes an
     * app of the user's, each bad one is answered with its line and reason. {@code dryRun=true} only checks. The
     * request is an admin event with counts only; no URI is ever logged or answered.
     */
    @POST
    @Path("import-otpauth")
    public AppImport.Report importOtpAuth(
            @QueryParam("dryRun") String dryRun,
            @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
            InputStream body) {
        if (!permissions.users().canManage()) {
            throw forbidden();
        }
        boolean dryRunGiven = session.getContext().getUri().getQueryParameters().containsKey("dryRun");
        if (dryRunGiven && !"true".equals(dryRun) && !"false".equals(dryRun)) {
            throw ApiException.badRequest("Query parameter 'dryRun' must be true or false.");
        }
        byte[] bytes = JsonBodies.readLimited(body, MAX_IMPORT_BYTES);
        List<ImportLine> lines = new ArrayList<>();
        List<AppImport.Refusal> refused = new ArrayList<>();
        String type = mediaType(contentType);
        if (type.equals(MediaType.APPLICATION_JSON)) {
            List<JsonBodies.ImportEntry> users =
                    JsonBodies.read(bytes, JsonBodies.ImportRequest.class).users();
            if (users == null) {
                throw ApiException.badRequest("The body needs a 'users' array.");
            }
            for (int i = 0; i < users.size(); i++) {
                JsonBodies.ImportEntry entry = users.get(i);
                if (entry == null) {
                    refused.add(new AppImport.Refusal(i + 1, null, "the entry is null"));
                } else {
                    lines.add(new ImportLine(i + 1, entry.username(), entry.otpauthUri(), entry.label()));
                }
            }
        } else if (type.equals("text/csv") || type.equals(MediaType.TEXT_PLAIN)) {
            List<CsvImport.Malformed> malformed = new ArrayList<>();
            lines.addAll(CsvImport.read(new String(bytes, StandardCharsets.UTF_8), malformed));
            malformed.forEach(line -> refused.add(new AppImport.Refusal(line.line(), null, line.getMessage())));
        } else {
            throw new ApiException(
                    415, "unsupported_media_type", "Send application/json or text/csv (username,otpauth_uri,label).");
        }
        if (lines.size() + refused.size() > MAX_IMPORT_LINES) {
            throw ApiException.badRequest("At most " + MAX_IMPORT_LINES + " lines per request; send the rest after.");
        }
        AppImport.Report report = TwoFactorService.of(session).importApps(realm, lines, refused, "true".equals(dryRun));
        if (!report.dryRun()) {
            AuditEvents.appsImported(
                    adminEvent,
                    report.lines(),
                    report.imported(),
                    report.alreadyPresent(),
                    report.refused().size());
        }
        return report;
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
