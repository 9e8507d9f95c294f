// attack: fill the JVM's heap without end (64 MiB limit here)
// why: a JVM sizes its heap from the host's 24 GiB, not from the run's limit: the cgroup must stop it
// limits: run_memory_limit=67108864
// expect: status=ML
// stdout: HELD
import java.util.ArrayList;
import java.util.Arrays;

public class Main {
    public static void main(String[] args) {
        ArrayList<long[]> keep = new ArrayList<>();
        for (int i = 0; ; i++) {
            long[] a = new long[1 << 20]; // 8 MiB, touched
            Arrays.fill(a, i);
            keep.add(a);
            System.out.println("HELD " + (i + 1) * 8 + " MiB");
        }
    }
}
