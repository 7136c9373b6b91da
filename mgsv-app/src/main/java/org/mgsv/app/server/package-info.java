/**
 * {@code mgsv serve}: the HTTP server and web page over a catalog (upload, ground, preview, render), the container
 * sniffing of uploads, WAV previews and the demo music of a catalog-less start.
 */
package org.mgsv.app.server;
