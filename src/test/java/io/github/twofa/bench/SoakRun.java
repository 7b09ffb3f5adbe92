package io.github.twofa.bench;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.twofa.bench.SoakDatabase.Credential;
import io.github.twofa.bench.SoakDatabase.Event;
import io.github.twofa.bench.SoakFailovers.Failover;

/**
 * Everything a finished soak leaves to check and report: what the clients saw, when nodes died, and what the
 * database held before the logins began and after they ended.
 *
 * @param started        when the logins began (epoch milliseconds)
 * @param ended          when the last client stopped
 * @param lockoutUsers   the ids of the users the lockout attack was kept for
 * @param oursBefore     our realm's credentials by user id, right after the import
 * @param oursAfter      the same at the end
 * @param builtinBefore  the built-in OTP realm's credentials by user id, right after the import
 * @param builtinAfter   the same at the end
 * @param events         our realm's stored events
 * @param backupCodes    how many backup codes each user of ours was given
 */
record SoakRun(
        SoakOptions options,
        long started,
        long ended,
        List<SoakAttempt> attempts,
        List<SoakLog.Lockout> lockouts,
        List<Failover> failovers,
        Set<String> lockoutUsers,
        Map<String, List<Credential>> oursBefore,
        Map<String, List<Credential>> oursAfter,
        Map<String, List<Credential>> builtinBefore,
        Map<String, List<Credential>> builtinAfter,
        List<Event> events,
        int backupCodes) {

    /** The lockout's length on the servers, in milliseconds. */
    long lockoutMillis() {
        return options.lockoutSeconds() * 1000L;
    }

    /** The attempts of one purpose. */
    List<SoakAttempt> attempts(SoakAttempt.Purpose purpose) {
        return attempts.stream().filter(a -> a.purpose() == purpose).toList();
    }
}
