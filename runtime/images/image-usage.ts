// The narrow hook through which the containers service tells the image service which images are in use.
export interface ContainerUsingImage {
  id: string;
  running: boolean;
}

export interface ImageUsage {
  /** A container that uses the image, preferring a running one; undefined when none does. */
  isImageInUse(imageId: string): ContainerUsingImage | undefined;
  /** How many containers use the image (for `Containers` in image lists). */
  containerCount?(imageId: string): number;
}

export const NO_CONTAINERS: ImageUsage = { isImageInUse: () => undefined };
