package org.mgsv.media;
