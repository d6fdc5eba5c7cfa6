package io.tcpkit.server.testing;

import io.tcpkit.Limits;
import io.tcpkit.TcpServer;
import io.tcpkit.codec.RespReader;
import io.tcpkit.server.Service;
import io.tcpkit.server.auth.Authenticator;
import io.tcpkit.server.auth.PasswordHasher;
import io.tcpkit.server.auth.Users;
import io.tcpkit.server.chat.ChatService;
import io.tcpkit.server.command.CommandService;
import io.tcpkit.server.hub.Hub;
import io.tcpkit.server.hub.LocalHub;
import io.tcpkit.server.session.Sessions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The chat and the command protocol in-process, sharing sessions, users and rooms, as tcpkit serve runs them. */
public final class Stack implements AutoCloseable {
    public final Sessions sessions = new Sessions();
    public final Hub hub = new LocalHub();
    public final Authenticator authenticator;
    public final TcpServer chat;
    public final TcpServer command;

    public Stack(Users users, Limits limits) throws IOException {
        authenticator = new Authenticator(users);
        chat = start(new ChatService(sessions, authenticator, hub), limits);
        command = start(new CommandService(sessions, authenticator, hub, RespReader.DEFAULT_MAX_REQUEST_BYTES), limits);
    }

    public Stack() throws IOException {
        this(Users.open(), Limits.DEFAULT);
    }

    private static TcpServer start(Service service, Limits limits) throws IOException {
        TcpServer server = TcpServer.builder().port(0).service(service.name()).handler(service.handler())
                .limits(limits).rejectionMessage(service::rejectionMessage).start();
        service.started(server);
        return server;
    }

    /** A users file with cheap hashes (the hash records its iteration count). Lines: "name password [rules]". */
    public static Users users(Path dir, String... entries) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String e : entries) {
            String[] f = e.split(" ", 3);
            lines.add(f[0] + " " + PasswordHasher.hash(f[1].toCharArray(), 1000) + (f.length > 2 ? " " + f[2] : ""));
        }
        Path file = dir.resolve("users.txt");
        Files.write(file, lines);
        return Users.load(file);
    }

    public static Socket connect(TcpServer server) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
        s.setSoTimeout(10_000);
        return s;
    }

    public static void send(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    /** Reads exactly as many bytes as {@code expected} has, as text, for an exact comparison. */
    public static String readLike(Socket s, String expected) throws IOException {
        byte[] b = s.getInputStream().readNBytes(expected.getBytes(StandardCharsets.UTF_8).length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** One line including its LF, as UTF-8; null at end of stream. */
    public static String line(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            out.write(c);
            if (c == '\n') {
                break;
            }
        }
        return out.size() == 0 ? null : out.toString(StandardCharsets.UTF_8);
    }

    /** Sends a command as a RESP array. */
    public static void command(Socket s, String... args) throws IOException {
        StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        send(s, sb.toString());
    }

    /** Whether the server closed the connection (EOF or reset) within the read timeout. */
    public static boolean closed(Socket s) {
        try {
            while (s.getInputStream().read() >= 0) {
                // discard
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** Runs a program to completion (at most 60 s, then it is killed) and returns its exit code and output. */
    public static String[] run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                p.getInputStream().transferTo(out);
            } catch (IOException e) {
                // The process was killed.
            }
        });
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        reader.join(5000);
        return new String[] {Integer.toString(p.exitValue()), out.toString(StandardCharsets.UTF_8)};
    }

    @Override
    public void close() {
        chat.close();
        command.close();
    }
}
