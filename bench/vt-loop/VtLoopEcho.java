// bench/vt-loop/VtLoopEcho.java: an experiment, not part of tcpkit. An echo server whose virtual
// threads run on an event loop of our own instead of the JDK's ForkJoinPool: one platform thread
// per loop is both the selector's thread and the carrier (the virtual-thread scheduler) of its
// connections' threads. A connection's thread reads and writes non-blocking and, when the socket
// has nothing for it, parks; the loop's select finds the socket readable and unparks it, which
// queues it on the same loop. No epoll_ctl per wait (the key keeps OP_READ for good), no hand-off
// between a poller and a carrier (no futex), one park and unpark (a freeze and a thaw) per wait.
//
// It measures what issue 12's "turn that does not need a park/unpark of a virtual thread at all"
// could give, using the JDK's package-private custom-scheduler hook (the constructor
// ThreadBuilders$VirtualThreadBuilder(Executor), which the JDK's own tests use), so it needs
//   java --add-opens java.base/java.lang=ALL-UNNAMED bench/vt-loop/VtLoopEcho.java PORT [LOOPS]
// bench/ab runs it as the side "vt-loop". Plain echo only: no timeouts, no limits, and a thread
// that waits to write while its client keeps sending would make the loop spin (level-triggered
// readiness it cannot take); none of that arises in bench/ab's echo workloads.
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

public final class VtLoopEcho {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int loops = args.length > 1 ? Integer.parseInt(args[1]) : Runtime.getRuntime().availableProcessors();
        Loop[] all = new Loop[loops];
        for (int i = 0; i < loops; i++) {
            all[i] = new Loop(i);
            all[i].thread.start();
        }
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
            for (int next = 0; ; next = (next + 1) % loops) {
                SocketChannel ch = server.accept();
                ch.configureBlocking(false);
                ch.socket().setTcpNoDelay(true);
                all[next].adopt(ch);
            }
        }
    }

    /** A platform thread with a selector that is also the scheduler of its connections' virtual threads. */
    static final class Loop implements Executor, Runnable {
        final Selector selector;
        final Thread thread;
        final Thread.Builder.OfVirtual builder;
        final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Set while the loop blocks in select: only then does a submit need to wake it. */
        volatile boolean selecting;

        Loop(int i) throws Exception {
            selector = Selector.open();
            thread = Thread.ofPlatform().name("vt-loop-" + i).unstarted(this);
            Class<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
            Constructor<?> ctor = c.getDeclaredConstructor(Executor.class);
            ctor.setAccessible(true);
            builder = (Thread.Builder.OfVirtual) ctor.newInstance(this);
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
            if (selecting) {
                selector.wakeup();
            }
        }

        void adopt(SocketChannel ch) {
            execute(() -> {
                try {
                    Conn conn = new Conn(ch);
                    conn.key = ch.register(selector, SelectionKey.OP_READ, conn);
                    builder.start(conn::serve);
                } catch (IOException e) {
                    close(ch);
                }
            });
        }

        @Override
        public void run() {
            while (true) {
                Runnable task;
                while ((task = tasks.poll()) != null) {
                    task.run(); // a virtual thread's continuation: it runs here until it parks
                }
                try {
                    selecting = true;
                    if (!tasks.isEmpty()) {
                        selecting = false;
                        selector.selectNow();
                    } else {
                        selector.select();
                        selecting = false;
                    }
                    Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                    while (it.hasNext()) {
                        SelectionKey key = it.next();
                        it.remove();
                        Conn conn = (Conn) key.attachment();
                        Thread waiter = conn.waiter;
                        if (waiter != null) {
                            conn.waiter = null;
                            LockSupport.unpark(waiter); // queues its continuation here: tasks
                        }
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }
        }
    }

    static final class Conn {
        final SocketChannel ch;
        final ByteBuffer buf = ByteBuffer.allocateDirect(16 * 1024);
        SelectionKey key;
        /** The connection's thread while it waits for the socket; the loop unparks it. */
        volatile Thread waiter;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void serve() {
            try {
                while (true) {
                    int n = ch.read(buf);
                    if (n < 0) {
                        break;
                    }
                    if (n == 0) {
                        await();
                        continue;
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        if (ch.write(buf) == 0) {
                            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                            await();
                            key.interestOps(SelectionKey.OP_READ);
                        }
                    }
                    buf.clear();
                }
            } catch (IOException e) {
                // reset: end it
            } finally {
                key.cancel();
                close(ch);
            }
        }

        private void await() {
            waiter = Thread.currentThread();
            LockSupport.park();
        }
    }

    static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
