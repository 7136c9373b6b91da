/**
 * Benchmarks of the media front end ({@code mgsv bench extract}): video sampling and CLIP preprocessing
 * ({@link org.mgsv.bench.media.VideoBench}), audio decode, resampling and fbank windows
 * ({@link org.mgsv.bench.media.AudioBench}), the ONNX encoders at real size, fp32 against int8
 * ({@link org.mgsv.bench.media.RealSizeBench}), on media the ffmpeg command line makes
 * ({@link org.mgsv.bench.media.GeneratedMedia}) unless the user gives some.
 */
package org.mgsv.bench.media;
