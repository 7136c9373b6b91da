package org.mgsv.app;
