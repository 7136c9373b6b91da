package org.mgsv.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** The one embedded Spark context of the test JVM: local[2,2] (2 threads, a task may fail once and be retried). */
final class SharedSpark {
    private static JavaSparkContext sc;

    private SharedSpark() {}

    static synchronized JavaSparkContext get() {
        if (sc == null) {
            sc = new JavaSparkContext(new SparkConf().setMaster("local[2,2]").setAppName("mgsv-test")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1").set("spark.ui.showConsoleProgress", "false"));
            SparkEngine.useContext(sc);
            Runtime.getRuntime().addShutdownHook(new Thread(sc::stop));
        }
        return sc;
    }
}
