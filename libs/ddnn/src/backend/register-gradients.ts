/**
 * tfjs-core's CommonJS bundle registers no gradients; the @tensorflow/tfjs bundle does, into
 * the registry every tfjs copy shares (a process-wide global). Importing it makes training work.
 */
import '@tensorflow/tfjs';
