package io.github.twofa.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

/** A local SMTP server (GreenMail) on a free port that the test server's realm sends its e-mail to. */
public final class MailSink implements AutoCloseable {

    /** One received message: recipient, subject and the text of all its parts. */
    public record Mail(String to, String subject, String body) {}

    private final GreenMail greenMail;
    private final int port;

    public MailSink() {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    /** The realm's {@code smtpServer} settings that deliver here. */
    public Map<String, String> realmSmtpSettings() {
        return Map.of(
                "host",
                "127.0.0.1",
                "port",
                String.valueOf(port),
                "from",
                "twofa@example.test",
                "fromDisplayName",
                "2FA Demo");
    }

    /** The messages to {@code address}, waiting up to 10 seconds for at least {@code count}. */
    public List<Mail> messagesTo(String address, int count) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<Mail> mails = List.of();
        while (System.nanoTime() < deadline) {
            mails = Arrays.stream(greenMail.getReceivedMessages())
                    .map(MailSink::read)
                    .filter(mail -> mail.to().equalsIgnoreCase(address))
                    .toList();
            if (mails.size() >= count) {
                return mails;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return mails;
    }

    private static Mail read(MimeMessage message) {
        try {
            return new Mail(message.getAllRecipients()[0].toString(), message.getSubject(), text(message));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decoded text of every text part, plain and HTML. */
    private static String text(Part part) throws MessagingException, IOException {
        Object content = part.getContent();
        if (content instanceof Multipart multipart) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                text.append(text(multipart.getBodyPart(i))).append('\n');
            }
            return text.toString();
        }
        return content instanceof String string ? string : "";
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
