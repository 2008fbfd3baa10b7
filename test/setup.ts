// Unit tests run the engine on tfjs's cpu backend: exact, deterministic and available everywhere.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
await tf.ready();
// tfjs-core registers no gradients by itself; the engine trains, so every test gets them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
