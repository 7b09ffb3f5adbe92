package io.github.twofa.totp;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Builds the {@code otpauth://totp/} URI of the Google Authenticator key-URI format that every authenticator app
 * reads from a QR code. Issuer and account are percent-encoded (RFC 3986, space as %20) so that names containing
 * ':', '@', spaces or non-ASCII letters survive the round trip.
 */
public final class OtpAuthUri {

    private OtpAuthUri() {}

    public static String of(String issuer, String account, TotpSecret secret, TotpParameters parameters) {
        StringBuilder uri = new StringBuilder("otpauth://totp/")
                .append(encode(issuer))
                .append(':')
                .append(encode(account))
                .append("?secret=")
                .append(secret.base32())
                .append("&issuer=")
                .append(encode(issuer));
        if (!parameters.isDefault()) {
            uri.append("&algorithm=")
                    .append(parameters.otpauthAlgorithm())
                    .append("&digits=")
                    .append(parameters.digits())
                    .append("&period=")
                    .append(parameters.period());
        }
        return uri.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
