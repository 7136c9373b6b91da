/** The {@code mgsv} launcher's entry point ({@link org.mgsv.app.Main}): the command line, server and quickstart. */
package org.mgsv.app;
