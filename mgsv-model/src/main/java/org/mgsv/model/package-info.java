package org.mgsv.model;
