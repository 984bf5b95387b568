package io.fmi.channel.fault;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fmi.Communicator;
import io.fmi.FmiEventListener;
import io.fmi.channel.s3.S3Fixtures;
import io.fmi.config.FmiConfig;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A request the SDK has to send again reaches the event listener: the proxy in front of the real
 * S3 server answers one request with 503 SlowDown, the SDK retries it, the send succeeds, and the
 * listener hears of the retry with the previous attempt's status.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RetryEventTest {
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
    private static final String SLOW_DOWN = "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\n"
            + "Content-Length: 87\r\nConnection: close\r\n\r\n"
            + "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>";

    @Test
    void aRetriedRequestIsReportedWithWhatThePreviousAttemptGot() throws Exception {
        // no heartbeat: its marks would be other requests that could take the 503 meant for the send
        String config = io.fmi.channel.s3.S3ServerFixture.shared().backend("\"close_grace\": 200, \"heartbeat_ms\": 0");
        Matcher m = PORT.matcher(config);
        assertTrue(m.find(), config);
        List<String> retries = new CopyOnWriteArrayList<>();
        FmiEventListener listener = new FmiEventListener() {
            @Override
            public void retried(String channel, int rank, String request, int attempt, String why) {
                retries.add(channel + " " + request + " #" + attempt + " after " + why);
            }
        };
        try (FreezableProxy proxy = new FreezableProxy(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))))) {
            String viaProxy = config.substring(0, m.start(1)) + proxy.port() + config.substring(m.end(1));
            try (Communicator comm = Communicator.builder().rank(0).size(2).name("retry-" + UUID.randomUUID())
                    .config(FmiConfig.parse(viaProxy)).eventListener(listener).build()) {
                proxy.failNextRequest(SLOW_DOWN);
                comm.send(new byte[100], 1, 0);
            }
        }
        // the cut connection may cost an attempt of its own ("no response") before the 503
        assertTrue(retries.stream().anyMatch(r -> r.startsWith("S3 PutObject #") && r.endsWith(" after HTTP 503")),
                retries.toString());
    }
}
