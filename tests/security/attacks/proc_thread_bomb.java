// attack: start JVM threads until refused
// why: a JVM makes a native thread per Thread: the process limit must hold for it too, and the JVM must fail cleanly rather than take the host with it
// expect: status=OK
// stdout: THREADS-LIMITED
// absent: UNLIMITED
public class Main {
    public static void main(String[] args) {
        int n = 0;
        try {
            for (; n < 100000; n++) {
                Thread t = new Thread(() -> {
                    try { Thread.sleep(Long.MAX_VALUE); } catch (InterruptedException e) { }
                });
                t.setDaemon(true);
                t.start();
            }
        } catch (OutOfMemoryError e) {
            System.out.println("THREADS-LIMITED after " + n + ": " + e.getMessage());
            System.exit(0);
        }
        System.out.println("UNLIMITED");
    }
}
