package org.mgsv.core;
