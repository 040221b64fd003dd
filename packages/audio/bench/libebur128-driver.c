/*
 * libebur128 reference meter for the benchmark: reads a file with libsndfile in 1 s chunks and
 * measures it in mode I | LRA | SAMPLE_PEAK | TRUE_PEAK (queue mode, the library's defaults).
 * Prints one JSON object. Build: cc -O2 -o driver libebur128-driver.c -lebur128 -lsndfile -lm
 * Usage: driver FILE [--no-true-peak]
 */
#include <ebur128.h>
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FILE [--no-true-peak]\n", argv[0]);
    return 1;
  }
  int true_peak = !(argc > 2 && strcmp(argv[2], "--no-true-peak") == 0);
  SF_INFO info;
  memset(&info, 0, sizeof info);
  SNDFILE *file = sf_open(argv[1], SFM_READ, &info);
  if (!file) {
    fprintf(stderr, "%s: %s\n", argv[1], sf_strerror(NULL));
    return 2;
  }
  int mode = EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_SAMPLE_PEAK;
  if (true_peak) mode |= EBUR128_MODE_TRUE_PEAK;
  ebur128_state *st = ebur128_init((unsigned) info.channels, (unsigned long) info.samplerate, mode);
  if (!st) return 3;
  /* libebur128's default map for 6 channels is L R C unused Ls Rs, which is 5.1 in WAV order */
  sf_count_t frames = info.samplerate;
  int *buffer = malloc(sizeof(int) * (size_t) frames * (size_t) info.channels);
  sf_count_t got;
  while ((got = sf_readf_int(file, buffer, frames)) > 0) {
    if (ebur128_add_frames_int(st, buffer, (size_t) got) != EBUR128_SUCCESS) return 4;
  }
  double integrated, lra, peak = 0, tp = 0;
  ebur128_loudness_global(st, &integrated);
  ebur128_loudness_range(st, &lra);
  printf("{\"integratedLufs\": %.4f, \"loudnessRangeLu\": %.4f, \"channels\": [", integrated, lra);
  for (int c = 0; c < info.channels; c++) {
    double sp = 0, ctp = 0;
    ebur128_sample_peak(st, (unsigned) c, &sp);
    if (true_peak) ebur128_true_peak(st, (unsigned) c, &ctp);
    if (sp > peak) peak = sp;
    if (ctp > tp) tp = ctp;
    printf("%s{\"samplePeakDbfs\": %.4f, ", c ? ", " : "", 20 * log10(sp));
    if (true_peak) printf("\"truePeakDbtp\": %.4f}", 20 * log10(ctp));
    else printf("\"truePeakDbtp\": null}");
  }
  printf("], \"samplePeakDbfs\": %.4f, ", 20 * log10(peak));
  if (true_peak) printf("\"truePeakDbtp\": %.4f}\n", 20 * log10(tp));
  else printf("\"truePeakDbtp\": null}\n");
  free(buffer);
  ebur128_destroy(&st);
  sf_close(file);
  return 0;
}
