/**
 * The domain without DJL: the project's exception type ({@link org.mgsv.core.MgsvException}, a message that names
 * file and field), with data, features, tensors, metrics, reports and utilities in the sub-packages.
 */
package org.mgsv.core;
