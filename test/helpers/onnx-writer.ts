export * from '../../engine/onnx/onnx-writer';
