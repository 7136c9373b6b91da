/**
 * The MGSV-EC dataset on disk: annotation CSVs ({@link org.mgsv.core.data.AnnotationCsv}), the published folder layout
 * ({@link org.mgsv.core.data.DatasetLayout}), the one CSV codec of the project ({@link org.mgsv.core.data.CsvLine}) and
 * the one discovery and naming of media files ({@link org.mgsv.core.data.MediaFiles}).
 */
package org.mgsv.core.data;
