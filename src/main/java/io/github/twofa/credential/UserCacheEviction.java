package io.github.twofa.credential;

import java.lang.reflect.Proxy;
import java.util.Objects;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.provider.Provider;

/**
 * Drops a user from Keycloak's user cache, on every node, as this request's transaction commits: for a credential
 * written past the credential manager ({@link JpaConnection#writeLocked}). Keycloak's own path drops the user at once,
 * so every later read of this request (required actions, the flow's checks) loads the whole user from the database
 * again; told at commit, the cache sends the same invalidation at the same moment (after the commit), and the request
 * keeps reading the cached user, whose credentials it no longer needs.
 */
final class UserCacheEviction {

    private UserCacheEviction() {}

    static void atCommit(KeycloakSession session, RealmModel realm, UserModel user) {
        // Checked before anything is written: the cache finds the user's entries by realm.
        Objects.requireNonNull(realm, "The request has no realm to evict the user from");
        Provider cache = userCache(session);
        if (cache == null) {
            return; // no user cache (turned off): nothing can be stale
        }
        // What the cache invalidates by (id, username, e-mail), taken now: the cached user answers without the
        // database, whereas handing the cache that user would make it load the user to invalidate it.
        UserModel identity = identityOf(user.getId(), user.getUsername(), user.getEmail());
        session.getTransactionManager().enlistPrepare(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                evict(cache, realm, identity);
            }

            @Override
            protected void rollbackImpl() {
                // Nothing was written.
            }
        });
    }

    /** Keycloak's UserCache lives in keycloak-model-storage, which is not published for 26.7.3; the server has it. */
    @SuppressWarnings("unchecked")
    private static Provider userCache(KeycloakSession session) {
        try {
            return session.getProvider(
                    (Class<? extends Provider>) Class.forName("org.keycloak.models.cache.UserCache"));
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static void evict(Provider cache, RealmModel realm, UserModel identity) {
        try {
            Class.forName("org.keycloak.models.cache.UserCache")
                    .getMethod("evict", RealmModel.class, UserModel.class)
                    .invoke(cache, realm, identity);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Keycloak's user cache could not be told of a changed credential", e);
        }
    }

    private static UserModel identityOf(String id, String username, String email) {
        return (UserModel) Proxy.newProxyInstance(
                UserModel.class.getClassLoader(), new Class<?>[] {UserModel.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getId":
                            return id;
                        case "getUsername":
                            return username;
                        case "getEmail":
                            return email;
                        case "toString":
                            return "user " + id;
                        case "hashCode":
                            return id.hashCode();
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
