import java.io.File;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * One NameNode and one DataNode in this JVM, with WebHDFS, for sinkhub's integration suites.
 * Every port is fixed and bound to 127.0.0.1 (WebHDFS redirects writes to the DataNode's HTTP
 * port, which must be reachable there). Data lives under the base dir given as the first argument
 * and survives restarts: the file system is formatted only when the base dir is new.
 * Permissions are checked (the suites test a refused base path), with `/` open to every user;
 * the user running this JVM is the superuser.
 *   java -cp 'lib/*:.' MiniHdfs <basedir>
 */
public class MiniHdfs {
  public static void main(String[] args) throws Exception {
    File base = new File(args[0]);
    boolean fresh = !new File(base, "name-formatted").exists();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
    conf.setBoolean("dfs.permissions.enabled", true);
    conf.setBoolean("dfs.webhdfs.enabled", true);
    conf.set("dfs.namenode.http-address", "127.0.0.1:9870");
    conf.set("dfs.datanode.address", "127.0.0.1:9866");
    conf.set("dfs.datanode.http.address", "127.0.0.1:9864");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:9867");
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    conf.setInt("dfs.namenode.safemode.extension", 0);
    conf.setInt("dfs.replication", 1);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf)
        .nameNodePort(8020)
        .nameNodeHttpPort(9870)
        .numDataNodes(1)
        .storagesPerDatanode(1)
        .checkDataNodeAddrConfig(true)
        .format(fresh)
        .build();
    cluster.waitActive();
    cluster.getFileSystem().setPermission(new Path("/"), new FsPermission((short) 0777));
    new File(base, "name-formatted").createNewFile();
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::shutdown));
    System.out.println("MiniHdfs ready: hdfs://127.0.0.1:8020, WebHDFS http://127.0.0.1:9870/webhdfs/v1");
    Thread.currentThread().join();
  }
}
