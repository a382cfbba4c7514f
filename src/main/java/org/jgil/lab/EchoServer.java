package org.jgil.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A loopback echo server on its own thread: the far side of the socket-echo I/O operation. It is
 * not managed code and never touches the lock, as a server in another process would not.
 */
final class EchoServer implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;

    EchoServer() throws IOException {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(this::serve, "jgil-echo-server");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve() {
        try (Socket s = server.accept()) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[4096];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // closed: the experiment is over
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** A connected client; {@link #echo} sends a small message and reads it back. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final byte[] message = new byte[64];
        private final byte[] reply = new byte[64];

        Client(int port) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setTcpNoDelay(true);
        }

        void echo() throws IOException {
            socket.getOutputStream().write(message);
            int got = 0;
            InputStream in = socket.getInputStream();
            while (got < reply.length) {
                int n = in.read(reply, got, reply.length - got);
                if (n < 0) {
                    throw new IOException("echo server closed the connection");
                }
                got += n;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
