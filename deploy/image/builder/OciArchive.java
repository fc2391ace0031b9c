import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes an OCI image layout tarball from directories, one layer each, with Jib's library: no
 * daemon, no registry, no base image. Run by scripts/build-image.sh as a source file:
 *
 * <pre>
 * java -cp JIB_CLASSPATH OciArchive.java --out image.tar --ref repo:tag --created 2026-01-01T00:00:00Z \
 *   --user 10001:10001 --entrypoint java --entrypoint -jar ... --cmd operator \
 *   --env PATH=/opt/java/bin --label k=v --layer base=DIR --layer app=DIR
 * </pre>
 *
 * Reproducible: entries in name order, every file's time Jib's fixed one (1970-01-01T00:00:01Z),
 * owner root, the image's creation time given. Jib writes no symbolic links, so a link becomes a
 * copy of what it points to inside its own layer directory (an absolute target is read under that
 * directory, never from the build machine's root); a link to nothing there (a package's doc link
 * to a package not in the image) is left out.
 */
public final class OciArchive {
  public static void main(String[] args) throws Exception {
    Map<String, List<String>> opts = parse(args);
    JibContainerBuilder image = Jib.fromScratch()
        .setFormat(ImageFormat.OCI)
        .setCreationTime(Instant.parse(one(opts, "created")))
        .setUser(one(opts, "user"))
        .setEntrypoint(opts.get("entrypoint"))
        .setProgramArguments(opts.getOrDefault("cmd", List.of()))
        .setWorkingDirectory(AbsoluteUnixPath.get("/"))
        .setEnvironment(pairs(opts.getOrDefault("env", List.of())))
        .setLabels(pairs(opts.getOrDefault("label", List.of())));
    for (Map.Entry<String, String> layer : pairs(opts.get("layer")).entrySet()) {
      image.addFileEntriesLayer(layer(layer.getKey(), Path.of(layer.getValue())));
    }
    Path out = Path.of(one(opts, "out")).toAbsolutePath();
    Path cache = out.resolveSibling(out.getFileName() + ".jib-cache");
    JibContainer built = image.containerize(Containerizer.to(TarImage.at(out).named(one(opts, "ref")))
        .setApplicationLayersCache(cache).setBaseImageLayersCache(cache).setOfflineMode(true)
        .setToolName("stickypool-build-image")
        .addEventHandler(LogEvent.class, e -> {
          if (e.getLevel() == LogEvent.Level.ERROR || e.getLevel() == LogEvent.Level.WARN) {
            System.err.println("oci-archive: " + e.getMessage());
          }
        }));
    System.out.println("image digest " + built.getDigest() + " config " + built.getImageId());
  }

  /** Every file and directory under {@code root}, at the same path under / in the image. */
  static FileEntriesLayer layer(String name, Path root) throws IOException {
    FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName(name);
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.filter(p -> !p.equals(root)).sorted().toList();
    }
    for (Path path : paths) {
      Path source = resolve(root, path);
      if (source == null) {
        System.err.println("oci-archive: left out " + path + ", a link to nothing in its layer");
        continue;
      }
      AbsoluteUnixPath target = AbsoluteUnixPath.get("/" + root.relativize(path).toString().replace('\\', '/'));
      FilePermissions mode = FilePermissions.fromPosixFilePermissions(Files.getPosixFilePermissions(source));
      layer.addEntry(new FileEntry(source, target, mode, FileEntriesLayer.DEFAULT_MODIFICATION_TIME, "0:0"));
    }
    return layer.build();
  }

  /** What {@code path} is, following links inside {@code root} only; null for a link to nothing there. */
  private static Path resolve(Path root, Path path) throws IOException {
    Path current = path;
    for (int hops = 0; Files.isSymbolicLink(current); hops++) {
      if (hops > 16) {
        throw new IOException("too many links: " + path);
      }
      Path target = Files.readSymbolicLink(current);
      current = target.isAbsolute()
          ? root.resolve(target.toString().substring(1))
          : current.getParent().resolve(target).normalize();
      if (!current.startsWith(root) || !Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
    }
    return current;
  }

  private static Map<String, List<String>> parse(String[] args) {
    Map<String, List<String>> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --name value pairs, got " + args[i]);
      }
      opts.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[i + 1]);
    }
    return opts;
  }

  private static String one(Map<String, List<String>> opts, String name) {
    List<String> values = opts.get(name);
    if (values == null || values.size() != 1) {
      throw new IllegalArgumentException("--" + name + " must be given once");
    }
    return values.get(0);
  }

  /** {@code k=v} strings as an ordered map. */
  private static Map<String, String> pairs(List<String> items) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String item : items) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value: " + item);
      }
      out.put(item.substring(0, eq), item.substring(eq + 1));
    }
    return out;
  }
}
